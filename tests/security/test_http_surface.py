"""What the public port shows: no Host-built redirects, no /metrics, no CDN, strict bodies that never
echo an unknown key, and headers that keep answers out of caches and name no versions."""

from __future__ import annotations

import re

import pytest

from common.health import serve_health
from deploy.local import free_port
from tests.support.gateway import auth, gateway, metrics, running_stages
from tests.support.sockets import is_loopback_only, listening_addresses

pytestmark = pytest.mark.integration

QUESTION = {"question": "Can I get a refund for a defective phone?"}
EVIL = {"Host": "evil.example"}


def test_no_redirect_is_built_from_the_host_header(amqp_url, namespace):
    with running_stages(amqp_url, namespace), gateway(amqp_url, namespace) as client:
        answers = [
            client.get("/metrics", headers=EVIL),
            client.get("/metrics/", headers=EVIL),
            client.post("/query/", json=QUESTION, headers={**EVIL, **auth()}),
            client.get("/queries/00000000-0000-0000-0000-000000000000/", headers={**EVIL, **auth()}),
            client.get("/docs/", headers=EVIL),
            client.get("/health/", headers=EVIL),
            client.get("/docs/assets", headers=EVIL),
        ]
        for response in answers:
            assert response.status_code == 404, (response.request.url, response.status_code)
            assert "location" not in response.headers
            assert "evil.example" not in response.text
        assert client.post("/query", json=QUESTION, headers={**EVIL, **auth()}).status_code == 200


def test_metrics_listen_on_their_own_localhost_port_only(amqp_url, namespace):
    with gateway(amqp_url, namespace) as client:
        port = int(client.metrics_url.rsplit(":", 1)[1].split("/")[0])  # type: ignore[attr-defined]
        assert listening_addresses(port) == {"127.0.0.1"}
        assert "cr_http_requests_total" in metrics(client)
        assert client.get("/metrics").status_code == 404
    assert listening_addresses(port) == set()  # closed with the app


def test_worker_health_ports_listen_on_localhost_only_by_default():
    from common.settings import ServiceSettings

    port = free_port()
    alive = lambda: {"ok": True}  # noqa: E731
    server = serve_health(port, ready=alive, live=alive, host=ServiceSettings().health_host)
    assert server is not None
    try:
        assert is_loopback_only(port)
    finally:
        server.shutdown()
        server.server_close()


def test_every_response_says_nosniff_no_store_and_names_no_version(amqp_url, namespace):
    with running_stages(amqp_url, namespace), gateway(amqp_url, namespace) as client:
        responses = {
            "answer": client.post("/query", json=QUESTION, headers=auth()),
            "401": client.post("/query", json=QUESTION),
            "422": client.post("/query", json={"question": ""}, headers=auth()),
            "404": client.get("/nope"),
            "health": client.get("/health"),
            "docs": client.get("/docs"),
        }
        assert responses["answer"].status_code == 200
        for name, response in responses.items():
            assert response.headers["x-content-type-options"] == "nosniff", name
            assert response.headers["cache-control"] == "no-store", name
            server = response.headers["server"]
            assert server == "consumer-rights-gateway" and not re.search(r"\d", server), name
            assert response.headers.get_list("server") == [server], name


def test_docs_load_only_the_gateways_own_files(amqp_url, namespace):
    with gateway(amqp_url, namespace) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        html = page.text
        assert "cdn" not in html.lower() and "https://" not in html and "http://" not in html
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert len(assets) >= 3 and all(a.startswith("/docs/assets/") for a in assets), assets
        for asset in assets:
            response = client.get(asset)
            assert response.status_code == 200 and len(response.content) > 500, asset
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["cache-control"] == "public, max-age=86400"
        assert client.get("/docs/assets/swagger-ui.css").headers["content-type"].startswith("text/css")
        assert "SwaggerUIBundle" in client.get("/docs/assets/swagger-ui-bundle.js").text
        # only the files the page needs: no source maps, no directory listing, no path tricks
        for path in ("/docs/assets/swagger-ui-bundle.js.map", "/docs/assets/", "/docs/assets/..%2Findex.html",
                     "/docs/assets/index.html", "/redoc"):
            missing = client.get(path)
            assert missing.status_code == 404, path
            assert missing.headers["cache-control"] == "no-store"


def test_unknown_keys_are_refused_without_being_echoed(amqp_url, namespace):
    personal = "Ravi Kumar 9876543210"
    with gateway(amqp_url, namespace) as client:
        response = client.post("/query", json={"question": "ok", personal: 1}, headers=auth())
        assert response.status_code == 422
        body = response.json()
        assert personal not in response.text and "Ravi" not in response.text
        assert "allowed: question, top_k" in body["message"]
        assert body["details"] == [{"field": "body", "message": body["message"]}]


@pytest.mark.parametrize("top_k", [True, False, "5", 5.0, 2.5, [5], {"n": 5}])
def test_top_k_must_be_a_whole_number(amqp_url, namespace, top_k):
    with gateway(amqp_url, namespace) as client:
        response = client.post("/query", json={"question": "ok", "top_k": top_k}, headers=auth())
        assert response.status_code == 422, (top_k, response.text)
        assert "top_k" in response.json()["message"]


def test_question_must_be_text(amqp_url, namespace):
    with gateway(amqp_url, namespace) as client:
        for question in (42, True, ["a"], None):
            response = client.post("/query", json={"question": question}, headers=auth())
            assert response.status_code == 422, question
            assert "question" in response.json()["message"]


def test_a_whole_number_top_k_is_used(amqp_url, namespace):
    with running_stages(amqp_url, namespace), gateway(amqp_url, namespace) as client:
        assert client.post("/query", json={**QUESTION, "top_k": 3}, headers=auth()).status_code == 200
