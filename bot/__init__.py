"""Rapport's core: the domains (`directory`, `relationships`, `expertise`, `celebrations`,
`kudos`, `nudges`, `delivery`, `seeding`, `help`) on `platform`, wired in `bootstrap` and
carried by `core.Core`; Bolt meets it in `slackapp` only. See ARCHITECTURE.md."""
