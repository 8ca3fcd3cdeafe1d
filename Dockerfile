# One image for every Bookshare process; compose.yaml picks the command (`bookshare serve <service>`,
# `bookshare gateway …`). Built from the lock file, so images run exactly the tested dependencies.
FROM python:3.11-slim AS build
ENV UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir "uv==0.13.9"
WORKDIR /app
COPY . .
RUN uv sync --frozen --all-packages --no-dev --no-editable

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 bookshare
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY schema /app/schema
ENV PATH=/app/.venv/bin:$PATH BOOKSHARE_EVENT_SCHEMAS=/app/schema/events BOOKSHARE_DATA_DIR=/data
RUN mkdir /data && chown bookshare /data
USER bookshare
EXPOSE 4000 4001 4002 4003 4004 4005
CMD ["bookshare", "--help"]
