"""Where Rapport meets Bolt: the Bolt `App` (`app`) and the HTTP server in front of it (`server`).
The only part of `bot/` that imports Bolt; the listeners themselves are in `handlers/`."""
