"""Shared plumbing for the Python interop peers (gen.py, check.py).

Both scripts read one JSON document on stdin, {"jobs": [...]}, run every job in this one process and write
{"results": [...]} to stdout, one result per job in the same order. A job never aborts the batch: its failure is
reported as {"id", "ok": false, "error": "<ExceptionClass>: <message>"}.

Keys arrive as {"jwk": {...}, "pem": "...", "b64": "...", "text": "..."} (any subset); each library takes the form
its users would hand it (python-jose and PyJWT: PEM or the secret; jwcrypto: JWK).
"""

import base64
import json
import sys
import traceback


def b64url_decode(value):
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def secret_bytes(key):
    """The raw bytes of a symmetric key: {"text"} (UTF-8), {"b64"} (standard base64) or {"jwk": {"kty": "oct"}}."""
    if "text" in key:
        return key["text"].encode("utf-8")
    if "b64" in key:
        return base64.b64decode(key["b64"])
    return b64url_decode(key["jwk"]["k"])


def is_shared_key_alg(alg):
    """True for JWE key management with a shared secret: dir, AES key wrap (A*KW) and AES-GCM key wrap (A*GCMKW)."""
    return alg == "dir" or (isinstance(alg, str) and alg.startswith("A") and alg.endswith("KW"))


def jwcrypto_key(key):
    from jwcrypto import jwk

    if "jwk" in key:
        return jwk.JWK(**key["jwk"])
    if "pem" in key:
        return jwk.JWK.from_pem(key["pem"].encode())
    raw = secret_bytes(key)
    return jwk.JWK(kty="oct", k=base64.urlsafe_b64encode(raw).rstrip(b"=").decode())


def pem_or_secret(key):
    """What python-jose and PyJWT users pass: a PEM string, the secret string, or the secret bytes."""
    if "pem" in key:
        return key["pem"]
    if "text" in key:
        return key["text"]
    return secret_bytes(key)


def describe(exc):
    """The exception's class and first line (peers' messages may quote a whole PEM key; keep only the start)."""
    text = str(exc).strip().split("\n")[0]
    return f"{type(exc).__name__}: {text[:200]}"


def run(handlers):
    """Reads the job batch from stdin, dispatches each job on its "op" and prints the results."""
    batch = json.load(sys.stdin)
    results = []
    for job in batch["jobs"]:
        result = {"id": job["id"]}
        try:
            handler = handlers[job["op"]]
            result.update(handler(job))
            result["ok"] = True
        except Exception as exc:  # a failing job is a result, never a crash of the batch
            result["ok"] = False
            result["error"] = describe(exc)
            if batch.get("debug"):
                result["trace"] = traceback.format_exc()
        results.append(result)
    json.dump({"results": results}, sys.stdout)
    sys.stdout.write("\n")
