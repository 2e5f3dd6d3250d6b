#!/bin/sh
# Regenerates the synthetic X.509 fixtures used by the core unit tests.
# Nothing here identifies a real organisation or person. Tests read validity
# dates from the certificates themselves, so regenerating does not break them.
set -eu
cd "$(dirname "$0")"
days=3650

# A P-256 root, and a leaf it issues (the shape of a gateway CA and a device).
openssl ecparam -name prime256v1 -genkey -noout -out test-root.key
openssl req -x509 -new -key test-root.key -sha256 -days $days -subj "/C=VN/O=Kiosk Test PKI/CN=Kiosk Test Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out test-root.pem
openssl ecparam -name prime256v1 -genkey -noout -out test-leaf.key
openssl req -new -key test-leaf.key -subj "/C=VN/O=Kiosk Test PKI/CN=KIOSK-TEST-0001" -out test-leaf.csr
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n' > leaf.ext
openssl x509 -req -in test-leaf.csr -CA test-root.pem -CAkey test-root.key -CAcreateserial \
  -sha256 -days 365 -extfile leaf.ext -out test-leaf.pem
# An unrelated RSA root that must not validate the leaf.
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-root.key -sha256 -days $days \
  -subj "/C=VN/O=Other Test PKI/CN=Other Test Root" -out other-root.pem
rm -f test-leaf.csr leaf.ext test-root.srl other-root.key test-root.key
openssl x509 -in test-leaf.pem -outform DER -out test-leaf.der
openssl pkcs8 -topk8 -nocrypt -in test-leaf.key -out test-leaf.pkcs8.pem
