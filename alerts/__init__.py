"""Scheduled scans, routing to recipients, cooldown and grouping, and delivery of alerts.

Flow: a scan (alerts.scans.*, run by alerts.scanner on APScheduler via alerts.scheduler) or Alertmanager
(alerts.alertmanager) produces a ScanResult (alerts.model); the alert book (alerts.engine) turns it into alert
episodes and outbox rows in one transaction, using routing (alerts.routing, alerts.preferences), noise control
(alerts.policy, alerts.grouping) and texts (alerts.templates); the sender (alerts.sender, alerts.ratelimit,
alerts.telegram) delivers the outbox (alerts.outbox). alerts.actions answers the buttons; alerts.service is the
service component.
"""
