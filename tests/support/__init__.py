"""Everything tests share, in one place; test modules and conftests import from here, never from each other.

- fixtures: the pytest fixtures every test can use (loaded by tests/conftest.py via `pytest_plugins`)
- broker: the test broker, publishing as a service would, queue depths, a tap, running a worker
- database: throw-away databases and the stored rows; redis_server: the shared Redis, a private one
- queries: live-path messages as the services send them
- gateway: in-process gateways with stand-in stages, and the app under uvicorn; sockets: who listens
- sse: a streamed answer read as a page reads it (POST /query with Accept: text/event-stream)
- own_rabbit: a RabbitMQ container of the test's own (restart it, trace it), never the shared broker
- stack: the four services as processes; replicas: two of each; faults: the fault-injection helpers
- knowledge, pdf_maker: small knowledge folders and PDFs; prompts, fake_bedrock: llm_connector's inputs
  and a Bedrock over real HTTP; metrics: reading Prometheus samples; hostile: the redaction's worst inputs
"""
