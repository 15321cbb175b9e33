"""``python -m gan_pipeline.serve``: the registered generator over HTTP (``make serve``).

The request format is MLflow's ``/invocations`` JSON (``{"inputs": [[...], ...]}``, or
``instances``, ``dataframe_split``, ``dataframe_records``; answers ``{"predictions": ...}``),
parsed and answered by MLflow's own scoring-server functions, and the model is the pyfunc
of ``gan_pipeline.serving``, whose checks (shape, count, finite numbers) answer in one line.
What this adds to ``mlflow models serve``: a limit on the body size, and errors that never
quote the request (MLflow's server answers malformed JSON with the whole body, and a failed
prediction with numpy's print of the input). It runs on the stack of MLflow's own scoring
server, FastAPI under uvicorn, which MLflow installs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from io import StringIO
from pathlib import Path

import mlflow
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from mlflow.exceptions import MlflowException
from mlflow.pyfunc import PyFuncModel
from mlflow.pyfunc.scoring_server import (
    SUPPORTED_FORMATS,
    infer_and_parse_data,
    predictions_to_json,
)

from gan_pipeline import tracking

MODEL_URI = "models:/mnist-generator@best"
TRAINING_PATH = "data_processing,training,evaluation"
MAX_BODY_BYTES = 2**20  # 1 MiB: ~500 MNIST latent vectors of 100 numbers as JSON
REQUEST_FORMAT = (
    f"Send a JSON object with one of the keys {', '.join(sorted(SUPPORTED_FORMATS))} "
    '(MLflow\'s /invocations format), e.g. {"inputs": [[0.1, ...], ...]}: one latent vector '
    "per image"
)


class ModelMissingError(RuntimeError):
    """The model to serve is not in the tracking store."""


def load_model(model_uri: str) -> PyFuncModel:
    """The pyfunc at ``model_uri``, or a one-line error naming it and the run that makes it."""
    store = mlflow.get_tracking_uri()
    database = Path(store.removeprefix("sqlite:///"))
    try:
        if store.startswith("sqlite:///") and not database.is_file():
            reason = "the store does not exist"  # MLflow would create an empty one
        else:
            return mlflow.pyfunc.load_model(model_uri)
    except MlflowException as error:
        if error.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        reason = error.message
    dataset = model_uri.removeprefix("models:/").split("-generator")[0]
    trains = "`kedro run`"
    if dataset != "mnist":
        trains = f"`kedro run --pipelines={TRAINING_PATH} --namespaces={dataset}`"
    raise ModelMissingError(
        f"No model {model_uri} in the MLflow store {store} ({reason}): {trains} trains the "
        "generator, registers it and sets @best"
    )


def create_app(model: PyFuncModel, max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """``POST /invocations`` (JSON), ``GET /ping`` and ``/health``."""
    app = FastAPI()

    @app.get("/ping")
    @app.get("/health")
    async def ping() -> Response:
        return Response("\n", media_type="application/json")

    @app.post("/invocations")
    async def invocations(request: Request) -> Response:
        try:
            data = _parse(await _read_body(request, max_body_bytes))
            images = await asyncio.to_thread(model.predict, data)
        except _Refused as refused:
            return _error(refused.status, str(refused))
        except MlflowException as error:  # the pyfunc's own checks: one line, no input
            return _error(error.get_http_status_code(), error.message)
        answer = StringIO()
        predictions_to_json(images, answer)
        return Response(answer.getvalue(), media_type="application/json")

    return app


class _Refused(Exception):
    """A request refused before the model sees it: HTTP ``status`` and a one-line reason."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


async def _read_body(request: Request, limit: int) -> bytes:
    """The JSON body, read no further than ``limit`` bytes."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise _Refused(415, "Send JSON with the header Content-Type: application/json.")
    too_large = _Refused(413, f"The request body is over {limit} bytes (--max-body-bytes).")
    declared = request.headers.get("content-length")
    if declared is not None and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():  # a chunked body declares no length
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


def _parse(body: bytes):
    """The model input in a request body, by MLflow's parser; errors never quote the body."""
    try:
        payload = json.loads(body)
    except ValueError as error:  # JSONDecodeError or UnicodeDecodeError: a position, no input
        raise _Refused(400, f"The request body is not valid JSON: {error}.") from None
    if not isinstance(payload, dict) or len(payload.keys() & SUPPORTED_FORMATS) != 1:
        raise _Refused(400, f"{REQUEST_FORMAT}.")
    try:
        return infer_and_parse_data({k: payload[k] for k in payload.keys() & SUPPORTED_FORMATS})
    except Exception:  # MLflow's own messages here quote the input
        raise _Refused(400, f"{REQUEST_FORMAT}; this one could not be read as such.") from None


def _error(status: int, message: str) -> JSONResponse:
    """MLflow's error body (``error_code``, ``message``)."""
    code = "BAD_REQUEST" if status < 500 else "INTERNAL_ERROR"
    return JSONResponse({"error_code": code, "message": message}, status_code=status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gan_pipeline.serve",
        description="The registered generator over HTTP (docs/serving-and-generating.md).",
    )
    parser.add_argument("--model-uri", default=MODEL_URI, help=f"default: {MODEL_URI}")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--max-body-bytes", type=int, default=MAX_BODY_BYTES)
    args = parser.parse_args(argv)
    # The store the tracking hook logs to when MLFLOW_TRACKING_URI is unset: ./mlflow.db.
    uri = os.environ.get("MLFLOW_TRACKING_URI") or tracking.default_tracking_uri(Path.cwd())
    mlflow.set_tracking_uri(uri)
    try:
        model = load_model(args.model_uri)
    except ModelMissingError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Serving {args.model_uri} from {uri} on http://{args.host}:{args.port}", file=sys.stderr)
    uvicorn.run(create_app(model, args.max_body_bytes), host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
