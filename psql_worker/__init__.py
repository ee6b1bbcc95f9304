"""Persistence worker: stores accepted queries and their results once each, then replies to the gateway."""
