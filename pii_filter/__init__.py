"""The gateway: takes questions over HTTP, removes personal data, publishes, returns the answer."""
