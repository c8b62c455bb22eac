"""Publish: an outbox episode onto the WeChat official account and the office's static website."""
