"""FastAPI's built-in OpenTelemetry exports nothing from the gateway, even when OTel is configured.

Its logs carry exception messages and stack traces, which can quote a raw question; the gateway's
requests must not leave the process through a channel the redaction never sees.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

EMAIL = "priya.nair.canary@example.com"

SCRIPT = textwrap.dedent(
    f"""
    from opentelemetry import trace, metrics
    from opentelemetry._logs import set_logger_provider
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
    from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    spans, logs, reader = InMemorySpanExporter(), InMemoryLogRecordExporter(), InMemoryMetricReader()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    trace.set_tracer_provider(tracer_provider)
    logger_provider = LoggerProvider()
    logger_provider.add_log_record_processor(SimpleLogRecordProcessor(logs))
    set_logger_provider(logger_provider)
    metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))

    from fastapi.testclient import TestClient
    from common.topology import Topology
    from pii_filter.app import create_app
    from pii_filter.broker import GatewayBroker
    from pii_filter.settings import GatewaySettings

    class NoRedactor:
        def redact(self, text):
            raise AssertionError("never reached: the body is invalid")

        def redact_many(self, texts):
            raise AssertionError("never reached: the body is invalid")

    broker = GatewayBroker(amqp_url="amqp://unused", topology=Topology("otel"), instance_id="t")
    app = create_app(settings=GatewaySettings(auth_disabled=True), redactor=NoRedactor(), broker=broker,
                     records=None)
    client = TestClient(app)  # no lifespan: the broker is never started
    for body in ('{{"question": 7, "email": "{EMAIL}"}}', '{{"question": "{EMAIL}", "top_k": "x"}}'):
        response = client.post("/query", content=body, headers={{"content-type": "application/json"}})
        assert response.status_code == 422, response.status_code
    exported = repr(spans.get_finished_spans()) + repr([
        (r.log_record.body, dict(r.log_record.attributes or {{}})) for r in logs.get_finished_logs()
    ])
    exported += repr([
        [s.attributes for s in getattr(m, "data", None).data_points] if hasattr(m, "data") else m
        for rm in (reader.get_metrics_data() or type("E", (), {{"resource_metrics": []}})()).resource_metrics
        for sm in rm.scope_metrics for m in sm.metrics
    ])
    print("SPANS", len(spans.get_finished_spans()), "LOGS", len(logs.get_finished_logs()))
    print("LEAKED" if "{EMAIL}" in exported else "CLEAN")
    """
)


def test_gateway_requests_export_no_spans_logs_or_inputs() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env={"FASTAPI_OTEL_AUTO_CONFIGURE": "true", "SPACY_MODEL": "unused", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "CLEAN" in done.stdout, done.stdout
    assert "SPANS 0 LOGS 0" in done.stdout, done.stdout
