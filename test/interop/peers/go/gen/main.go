// Command gen makes tokens with go-jose v2 the way the Go issuer (nested JWS in JWE) makes them.
//
// Input (stdin): {"jobs": [{"id", "op", ...}]}; output (stdout): {"results": [{"id", "ok", ...}]}. One process per
// batch; a failing job is a result ({"ok": false, "error"}), never a crash.
//
// Ops:
//
//	issue    the issuer's IssueAccessAndRefreshJWE: sign{key,kid,alg}, encrypt{key,kid,alg,enc}, iss, aud, sub,
//	         uid, device_id, client_id, scope, access_ttl, refresh_ttl (seconds) -> {access, refresh}
//	sign     alg, key (JWK), kid?, claims -> {token}: a JWS with typ JWT
//	encrypt  alg, enc, zip?, cty?, kid?, key (JWK), plaintext -> {token}: a compact JWE
//	nested   claims, sign{key,kid,alg}, encrypt{key,kid,alg,enc}, zip? -> {token}: signJWT then encrypt, cty JWT
package main

import (
	"crypto/rand"
	"encoding/hex"
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
	Kid string          `json:"kid"`
	Alg string          `json:"alg"`
	Enc string          `json:"enc"`
}

type job struct {
	ID         string                 `json:"id"`
	Op         string                 `json:"op"`
	Alg        string                 `json:"alg"`
	Enc        string                 `json:"enc"`
	Zip        string                 `json:"zip"`
	Cty        string                 `json:"cty"`
	Kid        string                 `json:"kid"`
	Key        keySpec                `json:"key"`
	Claims     map[string]interface{} `json:"claims"`
	Plaintext  string                 `json:"plaintext"`
	Sign       keySpec                `json:"sign"`
	Encrypt    keySpec                `json:"encrypt"`
	Iss        string                 `json:"iss"`
	Aud        string                 `json:"aud"`
	Sub        string                 `json:"sub"`
	UID        string                 `json:"uid"`
	DeviceID   string                 `json:"device_id"`
	ClientID   string                 `json:"client_id"`
	Scope      []string               `json:"scope"`
	AccessTTL  int64                  `json:"access_ttl"`
	RefreshTTL int64                  `json:"refresh_ttl"`
}

// accessClaims and refreshClaims are the Go issuer's claim sets.
type accessClaims struct {
	UID      string   `json:"uid,omitempty"`
	Scope    []string `json:"scope,omitempty"`
	DeviceID string   `json:"device_id,omitempty"`
	ClientID string   `json:"client_id,omitempty"`
	jwt.Claims
}

type refreshClaims struct {
	RID      string   `json:"rid"`
	FID      string   `json:"fid"`
	UID      string   `json:"uid"`
	DeviceID string   `json:"device_id,omitempty"`
	ClientID string   `json:"client_id,omitempty"`
	Scope    []string `json:"scope,omitempty"`
	jwt.Claims
}

func parseKey(raw json.RawMessage) (interface{}, error) {
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON(raw); err != nil {
		return nil, err
	}
	return k.Key, nil
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func signJWT(spec keySpec, claims interface{}) (string, error) {
	key, err := parseKey(spec.JWK)
	if err != nil {
		return "", err
	}
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if spec.Kid != "" {
		opts = opts.WithHeader("kid", spec.Kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(spec.Alg), Key: key}, opts)
	if err != nil {
		return "", err
	}
	return jwt.Signed(signer).Claims(claims).CompactSerialize()
}

func encryptJWE(plaintext string, spec keySpec, zip, cty string) (string, error) {
	key, err := parseKey(spec.JWK)
	if err != nil {
		return "", err
	}
	recipient := jose.Recipient{Algorithm: jose.KeyAlgorithm(spec.Alg), Key: key, KeyID: spec.Kid}
	opts := &jose.EncrypterOptions{Compression: jose.CompressionAlgorithm(zip)}
	if cty != "" {
		opts = opts.WithContentType(jose.ContentType(cty))
	}
	if spec.Kid != "" {
		opts = opts.WithHeader("kid", spec.Kid)
	}
	encrypter, err := jose.NewEncrypter(jose.ContentEncryption(spec.Enc), recipient, opts)
	if err != nil {
		return "", err
	}
	obj, err := encrypter.Encrypt([]byte(plaintext))
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// issue follows the issuer: both tokens ES256-signed (typ JWT, kid), then encrypted (cty JWT, kid).
func issue(j job) (map[string]interface{}, error) {
	now := time.Now()
	std := func(sub string, ttl int64) jwt.Claims {
		return jwt.Claims{
			Issuer:    j.Iss,
			Subject:   sub,
			Audience:  jwt.Audience{j.Aud},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-60 * time.Second)),
			Expiry:    jwt.NewNumericDate(now.Add(time.Duration(ttl) * time.Second)),
			ID:        newID(),
		}
	}
	access := accessClaims{UID: j.UID, Scope: j.Scope, DeviceID: j.DeviceID, ClientID: j.ClientID,
		Claims: std(j.Sub, j.AccessTTL)}
	refresh := refreshClaims{RID: newID(), FID: newID(), UID: j.UID, DeviceID: j.DeviceID, ClientID: j.ClientID,
		Scope: j.Scope, Claims: std(j.UID, j.RefreshTTL)}
	out := map[string]interface{}{}
	for name, claims := range map[string]interface{}{"access": access, "refresh": refresh} {
		inner, err := signJWT(j.Sign, claims)
		if err != nil {
			return nil, err
		}
		token, err := encryptJWE(inner, j.Encrypt, "", "JWT")
		if err != nil {
			return nil, err
		}
		out[name] = token
	}
	return out, nil
}

func run(j job) (map[string]interface{}, error) {
	switch j.Op {
	case "issue":
		return issue(j)
	case "sign":
		token, err := signJWT(keySpec{JWK: j.Key.JWK, Kid: j.Kid, Alg: j.Alg}, j.Claims)
		return map[string]interface{}{"token": token}, err
	case "nested":
		inner, err := signJWT(j.Sign, j.Claims)
		if err != nil {
			return nil, err
		}
		token, err := encryptJWE(inner, j.Encrypt, j.Zip, "JWT")
		return map[string]interface{}{"token": token}, err
	case "encrypt":
		token, err := encryptJWE(j.Plaintext, keySpec{JWK: j.Key.JWK, Kid: j.Kid, Alg: j.Alg, Enc: j.Enc}, j.Zip, j.Cty)
		return map[string]interface{}{"token": token}, err
	}
	return nil, errors.New("unknown op " + j.Op)
}

func main() {
	var batch struct {
		Jobs []job `json:"jobs"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&batch); err != nil {
		fmt.Fprintln(os.Stderr, "gen: bad job batch:", err)
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
