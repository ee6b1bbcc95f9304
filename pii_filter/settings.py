"""Gateway settings (environment only)."""

from __future__ import annotations

from pydantic import Field

from common.settings import DatabaseSettings


class GatewaySettings(DatabaseSettings):
    """HTTP, limits and personal-data detection settings of the gateway."""

    host: str = "0.0.0.0"
    port: int = 8080
    max_question_chars: int = Field(default=2000, ge=1)
    default_top_k: int = Field(default=5, ge=1, le=20)
    max_top_k: int = Field(default=10, ge=1, le=50)
    answer_timeout_s: float = Field(default=30.0, gt=0)
    instance_id: str = Field(default="", description="names the reply queue; random when empty")

    # personal-data detection
    spacy_model: str = Field(
        default="en_core_web_sm",
        description="spaCy model package Presidio loads (installed in the image; never downloaded)",
    )
    pii_config_path: str = Field(default="", description="analyzer YAML; empty = the bundled one")
