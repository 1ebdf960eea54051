// Command check reads tokens with go-jose v2 the way the Go issuer's DecryptAndVerify* functions read them.
//
// Input (stdin): {"jobs": [{"id", "op", ...}]}; output (stdout): {"results": [{"id", "ok", ...}]}. One process per
// batch; a failing job is a result ({"ok": false, "error"}), never a crash.
//
// Ops:
//
//	verify   token, alg, key (JWK), audience?, issuer? -> {claims, header}: jwt.ParseSigned, claims validated
//	decrypt  token, alg, key (JWK) -> {plaintext, header}: jose.ParseEncrypted + Decrypt
//	nested   token, sign{alg,jwk}, encrypt{alg,jwk}, audience?, issuer? -> {claims}: jwt.ParseSignedAndEncrypted
//	         (which requires cty JWT), Decrypt, then the inner JWS verified and its claims validated
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	jose "gopkg.in/square/go-jose.v2"
	"gopkg.in/square/go-jose.v2/jwt"
)

type keySpec struct {
	JWK json.RawMessage `json:"jwk"`
	Alg string          `json:"alg"`
}

type job struct {
	ID       string  `json:"id"`
	Op       string  `json:"op"`
	Token    string  `json:"token"`
	Alg      string  `json:"alg"`
	Key      keySpec `json:"key"`
	Sign     keySpec `json:"sign"`
	Encrypt  keySpec `json:"encrypt"`
	Audience string  `json:"audience"`
	Issuer   string  `json:"issuer"`
}

func parseKey(raw json.RawMessage) (interface{}, error) {
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON(raw); err != nil {
		return nil, err
	}
	return k.Key, nil
}

func expected(j job) jwt.Expected {
	exp := jwt.Expected{Issuer: j.Issuer, Time: time.Now()}
	if j.Audience != "" {
		exp.Audience = jwt.Audience{j.Audience}
	}
	return exp
}

// claimsOf verifies a parsed JWS under key (its alg pinned) and validates the registered claims.
func claimsOf(tok *jwt.JSONWebToken, alg string, key interface{}, j job) (map[string]interface{}, error) {
	if len(tok.Headers) != 1 || tok.Headers[0].Algorithm != alg {
		return nil, fmt.Errorf("unexpected JWS alg %q", tok.Headers[0].Algorithm)
	}
	var std jwt.Claims
	all := map[string]interface{}{}
	if err := tok.Claims(key, &std, &all); err != nil {
		return nil, err
	}
	if std.Expiry == nil {
		return nil, errors.New("no exp claim")
	}
	if err := std.Validate(expected(j)); err != nil {
		return nil, err
	}
	return all, nil
}

func verify(j job) (map[string]interface{}, error) {
	key, err := parseKey(j.Key.JWK)
	if err != nil {
		return nil, err
	}
	tok, err := jwt.ParseSigned(j.Token)
	if err != nil {
		return nil, err
	}
	claims, err := claimsOf(tok, j.Alg, key, j)
	if err != nil {
		return nil, err
	}
	return map[string]interface{}{"claims": claims, "header": headerOf(tok.Headers[0])}, nil
}

func decrypt(j job) (map[string]interface{}, error) {
	key, err := parseKey(j.Key.JWK)
	if err != nil {
		return nil, err
	}
	obj, err := jose.ParseEncrypted(j.Token)
	if err != nil {
		return nil, err
	}
	if obj.Header.Algorithm != j.Alg {
		return nil, fmt.Errorf("unexpected JWE alg %q", obj.Header.Algorithm)
	}
	plaintext, err := obj.Decrypt(key)
	if err != nil {
		return nil, err
	}
	return map[string]interface{}{"plaintext": string(plaintext), "header": headerOf(obj.Header)}, nil
}

func nested(j job) (map[string]interface{}, error) {
	encKey, err := parseKey(j.Encrypt.JWK)
	if err != nil {
		return nil, err
	}
	sigKey, err := parseKey(j.Sign.JWK)
	if err != nil {
		return nil, err
	}
	tok, err := jwt.ParseSignedAndEncrypted(j.Token)
	if err != nil {
		return nil, err
	}
	if tok.Headers[0].Algorithm != j.Encrypt.Alg {
		return nil, fmt.Errorf("unexpected JWE alg %q", tok.Headers[0].Algorithm)
	}
	inner, err := tok.Decrypt(encKey)
	if err != nil {
		return nil, err
	}
	claims, err := claimsOf(inner, j.Sign.Alg, sigKey, j)
	if err != nil {
		return nil, err
	}
	return map[string]interface{}{"claims": claims, "header": headerOf(tok.Headers[0])}, nil
}

// headerOf flattens a go-jose Header back to JOSE member names.
func headerOf(h jose.Header) map[string]interface{} {
	out := map[string]interface{}{"alg": h.Algorithm}
	if h.KeyID != "" {
		out["kid"] = h.KeyID
	}
	for k, v := range h.ExtraHeaders {
		out[string(k)] = v
	}
	return out
}

func run(j job) (map[string]interface{}, error) {
	switch j.Op {
	case "verify":
		return verify(j)
	case "decrypt":
		return decrypt(j)
	case "nested":
		return nested(j)
	}
	return nil, errors.New("unknown op " + j.Op)
}

func main() {
	var batch struct {
		Jobs []job `json:"jobs"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&batch); err != nil {
		fmt.Fprintln(os.Stderr, "check: bad job batch:", err)
		os.Exit(2)
	}
	results := make([]map[string]interface{}, 0, len(batch.Jobs))
	for _, j := range batch.Jobs {
		out, err := run(j)
		if err != nil {
			out = map[string]interface{}{"ok": false, "error": err.Error()}
		} else {
			out["ok"] = true
		}
		out["id"] = j.ID
		results = append(results, out)
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]interface{}{"results": results}); err != nil {
		os.Exit(3)
	}
}
