"""Scheduled scans, routing to recipients, cooldown and grouping, and delivery of alerts."""
