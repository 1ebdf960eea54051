"""Token checker for the interop suite: reads tokens the way the reference systems read them.

Input (stdin): {"jobs": [{"id", "op", ...}]}; output (stdout): {"results": [{"id", "ok", ...} | {"id", "ok", "error"}]}.

Ops:
  verify        lib jose|jwcrypto|pyjwt: token, alg, key, audience?, issuer?  -> {claims}
  decrypt       lib jose|jwcrypto: token, key                                 -> {plaintext, header}
  nested        lib jose|jwcrypto: token, sign{alg,key}, encrypt{key}, audience?, issuer? -> {claims, header}
  jwt_decrypt   the jwt_encrypt module's jwt_decrypt: key, alg, token, subject, check_exp -> {claims}
  jwe_service   the JWE service's decrypt_jwe_token / decrypt_jwe_to_payload: token, key_b64, enc, extract_jwt
"""

import json

from common import b64url_decode, is_shared_key_alg, jwcrypto_key, pem_or_secret, run, secret_bytes
from gen import jwe_service_key


def _header(token):
    return json.loads(b64url_decode(token.split(".")[0]))


def verify_with(lib, token, alg, key, audience=None, issuer=None):
    if lib == "jose":
        from jose import jwt

        return jwt.decode(token, pem_or_secret(key), algorithms=[alg], audience=audience, issuer=issuer)
    if lib == "pyjwt":
        import jwt

        options = {"require": ["exp"]}
        return jwt.decode(token, pem_or_secret(key), algorithms=[alg], audience=audience, issuer=issuer,
                          options=options)
    if lib == "jwcrypto":
        from jwcrypto import jwt

        checks = {"exp": None}
        if audience is not None:
            checks["aud"] = audience
        if issuer is not None:
            checks["iss"] = issuer
        parsed = jwt.JWT(jwt=token, key=jwcrypto_key(key), algs=[alg], check_claims=checks)
        return json.loads(parsed.claims)
    raise ValueError(f"unknown lib {lib}")


def verify(job):
    claims = verify_with(job["lib"], job["token"], job["alg"], job["key"], job.get("audience"), job.get("issuer"))
    return {"claims": claims, "header": _header(job["token"])}


def decrypt_with(lib, token, key):
    header = _header(token)
    if lib == "jose":
        from jose import jwe

        jose_key = secret_bytes(key) if is_shared_key_alg(header.get("alg")) else (key.get("pem") or key["jwk"])
        plaintext = jwe.decrypt(token, jose_key)
        if plaintext is None:
            raise ValueError("python-jose returned no plaintext (content key not recovered)")
        return plaintext.decode("utf-8")
    if lib == "jwcrypto":
        from jwcrypto import jwe

        obj = jwe.JWE()
        obj.deserialize(token, key=jwcrypto_key(key))
        return obj.payload.decode("utf-8")
    raise ValueError(f"unknown lib {lib}")


def decrypt(job):
    return {"plaintext": decrypt_with(job["lib"], job["token"], job["key"]), "header": _header(job["token"])}


def nested(job):
    header = _header(job["token"])
    if str(header.get("cty", "")).upper() != "JWT":
        raise ValueError(f"outer cty is {header.get('cty')!r}, not JWT")
    inner = decrypt_with(job["lib"], job["token"], job["encrypt"]["key"])
    claims = verify_with(job["lib"], inner, job["sign"]["alg"], job["sign"]["key"], job.get("audience"),
                         job.get("issuer"))
    return {"claims": claims, "header": header, "innerHeader": _header(inner)}


def jwt_decrypt(job):
    """The jwt_encrypt module's jwt_decrypt: python-jose decode, then the "subject" claim check."""
    from jose import jwt

    check_exp = job.get("check_exp", True)
    options = {"require_exp": check_exp, "verify_exp": check_exp}
    claims = jwt.decode(job["token"], pem_or_secret(job["key"]), algorithms=job["alg"], options=options)
    if claims.get("subject") != job["subject"]:
        raise Exception("wrong_token_subject")
    return {"claims": claims}


def jwe_service(job):
    """The JWE service's JWEHandler.decrypt (jwcrypto): JSON plaintext; {"jwt": ...} unwrapped when extract_jwt."""
    from jwcrypto import jwe
    from jwcrypto.common import json_decode

    key = jwe_service_key(job["key_b64"], job.get("enc", "A256GCM"))
    obj = jwe.JWE()
    obj.deserialize(job["token"])
    obj.decrypt(key)
    payload = json_decode(obj.payload.decode("utf-8"))
    if job.get("extract_jwt", True):
        return {"jwt": payload.get("jwt", "")}
    return {"payload": payload}


if __name__ == "__main__":
    run({"verify": verify, "decrypt": decrypt, "nested": nested, "jwt_decrypt": jwt_decrypt,
         "jwe_service": jwe_service})
