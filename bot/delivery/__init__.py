"""Delivery: the outbox (plan once, claim with a lease, record), and the sender that posts it to
Slack paced under Slack's limits, retrying without sleeping. What a kind of row says is rendered
at send time by the feature that planned it (`sender.OutboxKind`, listed in `bot.bootstrap`)."""
