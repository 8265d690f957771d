"""The Telegram conversation: handlers, replies, keyboards, charts, and who may do what."""
