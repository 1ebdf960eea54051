"""Token generator for the interop suite: makes tokens the way the reference systems make them.

Input (stdin): {"jobs": [{"id", "op", ...}]}; output (stdout): {"results": [{"id", "ok", "token" | "error"}]}.

Ops:
  sign         lib jose|jwcrypto|pyjwt: alg, key, claims, headers?      -> a JWS (JWT)
  encrypt      lib jose|jwcrypto: alg, enc, zip?, cty?, kid?, key, plaintext -> a compact JWE
  nested       lib jose|jwcrypto: claims, sign{alg,key,headers?}, encrypt{alg,enc,zip?,kid?,key}, cty? -> JWS in JWE
               (cty JWT unless cty is "")
  jwt_encrypt  the jwt_encrypt module (python-jose): key, alg, subject, claims, exp_seconds (null: no exp)
  jwe_service  the JWE service's JWEHandler (jwcrypto, dir): mode jwt|payload, key_b64, enc, compression?, and
               token (mode jwt; or claims + sign{lib,alg,key} to sign it here) | payload (mode payload)
"""

import json
from datetime import datetime, timedelta

from common import is_shared_key_alg, jwcrypto_key, pem_or_secret, run, secret_bytes


def sign(job):
    lib, alg, claims, key = job["lib"], job["alg"], job["claims"], job["key"]
    headers = job.get("headers") or {}
    if lib == "jose":
        from jose import jwt

        token = jwt.encode(claims, pem_or_secret(key), algorithm=alg, headers=headers or None)
    elif lib == "pyjwt":
        import jwt

        token = jwt.encode(claims, pem_or_secret(key), algorithm=alg, headers=headers or None)
    elif lib == "jwcrypto":
        from jwcrypto import jwt

        signed = jwt.JWT(header={"alg": alg, **headers}, claims=claims)
        signed.make_signed_token(jwcrypto_key(key))
        token = signed.serialize()
    else:
        raise ValueError(f"unknown lib {lib}")
    return {"token": token}


def _jose_encryption_key(alg, key):
    # python-jose takes the raw secret for dir and AES key wrap, and a PEM (or JWK dict) for RSA key wrapping.
    if is_shared_key_alg(alg):
        return secret_bytes(key)
    return key.get("pem") or key["jwk"]


def encrypt_with(lib, plaintext, spec, cty=None):
    alg, enc, zip_ = spec["alg"], spec["enc"], spec.get("zip")
    kid = spec.get("kid")
    cty = cty if cty is not None else spec.get("cty")
    if lib == "jose":
        from jose import jwe

        token = jwe.encrypt(plaintext, _jose_encryption_key(alg, spec["key"]), encryption=enc, algorithm=alg,
                            zip=zip_, cty=cty, kid=kid)
        return token.decode()
    if lib == "jwcrypto":
        from jwcrypto import jwe

        header = {"alg": alg, "enc": enc}
        if zip_:
            header["zip"] = zip_
        if cty:
            header["cty"] = cty
        if kid:
            header["kid"] = kid
        obj = jwe.JWE(plaintext.encode(), protected=json.dumps(header))
        obj.add_recipient(jwcrypto_key(spec["key"]))
        return obj.serialize(compact=True)
    raise ValueError(f"unknown lib {lib}")


def encrypt(job):
    return {"token": encrypt_with(job["lib"], job["plaintext"], job)}


def nested(job):
    """Sign, then encrypt with cty JWT (cty "" leaves it out, as jwe.encrypt does by default)."""
    inner = sign({"lib": job["lib"], "claims": job["claims"], **job["sign"]})["token"]
    return {"token": encrypt_with(job["lib"], inner, job["encrypt"], cty=job.get("cty", "JWT"))}


def jwt_encrypt(job):
    """The jwt_encrypt module: subject in a "subject" claim, exp a float from a naive local datetime."""
    from jose import jwt

    data = {"subject": job["subject"]}
    if job.get("exp_seconds") is not None:
        data["exp"] = (datetime.now() + timedelta(seconds=job["exp_seconds"])).timestamp()
    data.update(job["claims"])
    return {"token": jwt.encode(data, pem_or_secret(job["key"]), algorithm=job["alg"])}


KEY_SIZES = {"A128GCM": 16, "A192GCM": 24, "A256GCM": 32, "A128CBC-HS256": 32, "A192CBC-HS384": 48,
             "A256CBC-HS512": 64}


def jwe_service_key(key_data, enc):
    """The JWE service's key loader: base64 first, then hex, then the raw string; exact size per enc."""
    import base64

    from jwcrypto import jwk

    try:
        key_bytes = base64.b64decode(key_data)
    except Exception:
        try:
            key_bytes = bytes.fromhex(key_data)
        except Exception:
            key_bytes = key_data.encode("utf-8")
    if len(key_bytes) != KEY_SIZES[enc]:
        raise ValueError(f"Invalid key size: expected {KEY_SIZES[enc]} bytes for {enc}, got {len(key_bytes)} bytes")
    return jwk.JWK(kty="oct", k=base64.urlsafe_b64encode(key_bytes).decode("utf-8"))


def jwe_service(job):
    """The JWE service's JWEHandler.encrypt: a JSON plaintext ({"jwt": token} for a JWT), no cty, dir."""
    from jwcrypto import jwe
    from jwcrypto.common import json_encode

    enc, compression = job["enc"], job.get("compression")
    key = jwe_service_key(job["key_b64"], enc)
    if job["mode"] == "jwt":
        token = job.get("token") or sign({"claims": job["claims"], **job["sign"]})["token"]
        payload = {"jwt": token}
    else:
        payload = job["payload"]
    header = {"alg": "dir", "enc": enc}
    if compression:
        header["zip"] = compression
    obj = jwe.JWE(plaintext=json_encode(payload).encode("utf-8"), protected=header)
    obj.add_recipient(key)
    return {"token": obj.serialize(compact=True)}


if __name__ == "__main__":
    run({"sign": sign, "encrypt": encrypt, "nested": nested, "jwt_encrypt": jwt_encrypt, "jwe_service": jwe_service})
