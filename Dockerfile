# Every image of the project, one target each, built from the repo root:
#   docker build --target rag-core -t consumer-rights/rag-core .
# targets: psql-worker, llm-connector, pii-filter, rag-core, pipeline (the embedder consumer, the
# chunker and the one-shot ingest). docker-compose.yml names the targets; ECS runs the same images.
#
# Each image: the `base` stage (environment, the uid 10001 user, the health check), its own lock file
# installed with --require-hashes (requirements/<image>.txt, `make lock`), then its code, then USER.
# No runtime image has torch: the `onnx-export` stage exports the embedding model to ONNX with it, and
# rag-core and pipeline copy only the export folder and run it on onnxruntime.
#
# Build arguments, for machines that cannot reach the defaults' hosts:
#   TORCH_INDEX_URL      the wheel index of torch's CPU build (onnx-export stage only)
#   SPACY_MODEL_PACKAGE  pii-filter's spaCy model: a wheel URL or a pip requirement
# The legacy builder (DOCKER_BUILDKIT=0) builds every stage above the target, in order: the small
# images come first, the torch stage just above the two images that copy from it.

FROM python:3.11-slim-bookworm AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    HF_HUB_OFFLINE=1

RUN useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin app
WORKDIR /app
# the workers' probe: exits 0 only while the broker connection is open and the consumer runs
HEALTHCHECK --interval=15s --timeout=3s --start-period=90s --retries=3 \
    CMD ["python", "-m", "common.healthcheck"]


FROM base AS psql-worker
ENV HEALTH_PORT=8083
COPY requirements/psql-worker.txt /tmp/requirements.txt
RUN pip install --require-hashes -r /tmp/requirements.txt && rm /tmp/requirements.txt
COPY common ./common
COPY psql_worker ./psql_worker
USER 10001:10001
CMD ["python", "-m", "psql_worker"]


FROM base AS llm-connector
ENV HEALTH_PORT=8082
COPY requirements/llm-connector.txt /tmp/requirements.txt
RUN pip install --require-hashes -r /tmp/requirements.txt && rm /tmp/requirements.txt
COPY common ./common
COPY llm_connector ./llm_connector
USER 10001:10001
CMD ["python", "-m", "llm_connector"]


FROM base AS pii-filter
# explosion's own wheel of the model, spaCy 3.8 series (it is not on PyPI under its own name)
ARG SPACY_MODEL_PACKAGE=https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl
ENV SPACY_MODEL=en_core_web_sm
COPY requirements/pii-filter.txt /tmp/requirements.txt
# then data the gateway never reads goes (about 95 MB): phonenumbers' place names (Presidio parses numbers;
# only phonenumbers.geocoder reads geodata, and nothing imports it) and wordfreq's word lists of
# languages other than English (pii_filter/redaction/lexicon.py asks for "en" only)
RUN pip install --require-hashes -r /tmp/requirements.txt && rm /tmp/requirements.txt \
 && site=$(python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])") \
 && rm -r "$site/phonenumbers/geodata" \
 && find "$site/wordfreq/data" -type f ! -name '*_en.msgpack.gz' -delete
# --no-deps: spaCy itself is pinned in the lock
RUN pip install --no-deps "${SPACY_MODEL_PACKAGE}"
COPY common ./common
COPY pii_filter ./pii_filter
# the gateway's own redactor (spaCy model, Presidio, the lexicon), run once so a broken model or a pruned
# file it needs fails the build, not the start
RUN python -c "from pii_filter.redact import RedactCliSettings; from pii_filter.redaction import Redactor; r = Redactor.from_settings(RedactCliSettings()).redact('my name is ravi kumar, phone 9845012345, email ravi@example.com'); assert sorted(e.type for e in r.entities) == ['EMAIL', 'PERSON', 'PHONE'], r.entities"
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-m", "common.healthcheck", "http://127.0.0.1:8080/health"]
# exec form: python is PID 1 and receives SIGTERM itself (graceful shutdown)
CMD ["python", "-m", "pii_filter"]


# build stage only: torch (CPU) exports all-MiniLM-L6-v2 to an fp32 ONNX folder (common/onnx_export.py)
FROM base AS onnx-export
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
# torch alone from the CPU index (the same pin as the Makefile and pyproject's onnx_export extra);
# its dependencies are in the lock below, with their hashes
RUN pip install --no-deps --index-url "${TORCH_INDEX_URL}" torch==2.13.0
COPY requirements/onnx-export.txt /tmp/requirements.txt
RUN pip install --require-hashes -r /tmp/requirements.txt && rm /tmp/requirements.txt
COPY common ./common
RUN python -m common.onnx_export /opt/models/embedding --backend onnx


FROM base AS rag-core
ENV ANONYMIZED_TELEMETRY=False \
    INDEX_DIR=/data/index \
    EMBEDDING_MODEL_PATH=/opt/models/embedding \
    HEALTH_PORT=8081
COPY requirements/rag-core.txt /tmp/requirements.txt
RUN pip install --require-hashes -r /tmp/requirements.txt && rm /tmp/requirements.txt
COPY --from=onnx-export /opt/models/embedding /opt/models/embedding
COPY common ./common
COPY rag_core ./rag_core
# the export loads here, without torch, so a broken one fails the build, not the start
RUN python -c "import importlib.util, os; from common.embedding import Embedder; assert importlib.util.find_spec('torch') is None; assert Embedder(model_path=os.environ['EMBEDDING_MODEL_PATH'], backend='onnx').embed(['consumer rights']).shape == (1, 384)" \
 && mkdir -p /data/index && chown 10001:10001 /data/index
USER 10001:10001
VOLUME ["/data/index"]
CMD ["python", "-m", "rag_core"]


FROM base AS pipeline
ENV ANONYMIZED_TELEMETRY=False \
    INDEX_DIR=/data/index \
    EMBEDDING_MODEL_PATH=/opt/models/embedding \
    HEALTH_PORT=8084
COPY requirements/pipeline.txt /tmp/requirements.txt
RUN pip install --require-hashes -r /tmp/requirements.txt && rm /tmp/requirements.txt
COPY --from=onnx-export /opt/models/embedding /opt/models/embedding
COPY common ./common
COPY chunker ./chunker
COPY embedder ./embedder
COPY knowledge ./knowledge
RUN python -c "import importlib.util, os; from common.embedding import Embedder; assert importlib.util.find_spec('torch') is None; assert Embedder(model_path=os.environ['EMBEDDING_MODEL_PATH'], backend='onnx').embed(['consumer rights']).shape == (1, 384)" \
 && mkdir -p /data/index && chown 10001:10001 /data/index
USER 10001:10001
VOLUME ["/data/index"]
# python -m embedder: the consumer (the health check is for it; ingest and chunker disable it in
# compose); python -m embedder.ingest PATH...: a new snapshot under INDEX_DIR; python -m chunker PATH...
CMD ["python", "-m", "embedder"]
