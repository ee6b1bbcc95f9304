"""The engine loads once per process from YAML and never touches the network."""

from __future__ import annotations

import socket

import pytest
import tldextract.tldextract

from pii_filter.redaction import Redactor
from pii_filter.redaction.engine import load_analyzer, use_bundled_suffix_list
from pii_filter.settings import GatewaySettings


def test_tldextract_uses_only_the_bundled_snapshot() -> None:
    use_bundled_suffix_list()
    extractor = tldextract.tldextract.TLD_EXTRACTOR
    assert extractor.suffix_list_urls == ()
    assert extractor.fallback_to_snapshot is True
    assert extractor._cache.enabled is False


def test_no_network_during_load_and_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: attempts.append(a) or [])
    load_analyzer.cache_clear()
    redactor = Redactor.from_settings(GatewaySettings(auth_disabled=True))
    redaction = redactor.redact("Mail priya.sharma@yahoo.co.in or visit croma.com, phone 9876543210.")
    assert "EMAIL" in redaction.entity_types
    assert attempts == []


def test_engine_is_built_once_per_process() -> None:
    settings = GatewaySettings(auth_disabled=True)
    first = Redactor.from_settings(settings)
    second = Redactor.from_settings(settings)
    assert first._analyzer is second._analyzer


def test_only_ner_runs_in_spacy() -> None:
    settings = GatewaySettings(auth_disabled=True)
    nlp = load_analyzer(config_path="", spacy_model=settings.spacy_model).nlp_engine.nlp["en"]
    assert nlp.pipe_names == ["ner", "lowercase_lemma"]


def test_missing_model_is_refused_not_downloaded() -> None:
    with pytest.raises(RuntimeError, match="not installed"):
        load_analyzer(config_path="", spacy_model="en_core_web_does_not_exist")
