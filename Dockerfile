# The PartnerBoost MCP server over streamable HTTP (MCP at /mcp, GET /health).
#
#   docker build -t partnerboost .
#   docker run -p 8000:8000 -e PARTNERBOOST_MCP_TOKEN=<long random value> -e PARTNERBOOST_API_KEY=... partnerboost
#
# Credentials come only from the environment (PARTNERBOOST_API_KEY, PARTNERBOOST_BRAND_ID, ...); nothing secret
# is baked into the image. With no credentials it serves the built-in sandbox (demo data). Listening on 0.0.0.0
# requires PARTNERBOOST_MCP_TOKEN: clients send `Authorization: Bearer <token>`; /health stays open.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLBACKEND=Agg

WORKDIR /app
COPY pyproject.toml README.md ./
COPY tools ./tools
COPY skill ./skill
COPY prompts ./prompts
RUN pip install '.[hosted]' \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin partnerboost

USER partnerboost
ENV PARTNERBOOST_CACHE_DIR=/home/partnerboost/.cache/partnerboost
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)"]

CMD ["partnerboost", "serve", "--http", "--host", "0.0.0.0", "--port", "8000"]
