"""Block Kit for the relationship log: `interactions` (the /log answer, the form, history), `due`
(an item with its buttons, /followups, keep-in-touch) and `home` (the Home tab)."""
