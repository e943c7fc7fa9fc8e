# The PartnerBoost skill server in a container. Credentials come only from the environment
# (PARTNERBOOST_API_KEY, ...); with none set it answers from the built-in sandbox.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY tools ./tools
COPY skill ./skill
COPY prompts ./prompts
RUN pip install . && useradd --create-home --uid 10001 partnerboost
USER partnerboost
EXPOSE 8765
# Until the MCP server's HTTP transport lands, the image serves the sandbox API on all interfaces.
CMD ["partnerboost", "sandbox", "--host", "0.0.0.0", "--port", "8765"]
