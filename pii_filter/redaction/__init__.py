"""Removes personal data from questions before they leave the gateway, and restores it in answers."""

from pii_filter.redaction.models import DetectedEntity, Redaction
from pii_filter.redaction.redactor import Redactor

__all__ = ["DetectedEntity", "Redaction", "Redactor"]
