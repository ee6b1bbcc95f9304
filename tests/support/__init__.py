"""Helpers for tests: broker inspection, service processes."""
