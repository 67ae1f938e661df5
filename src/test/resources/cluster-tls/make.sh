#!/usr/bin/env bash
# Regenerates the test-only cluster TLS stores (README, "Clustering": the same steps make production ones).
# node.p12: a node certificate signed by a test CA; trust.p12: that CA; rogue.p12: a self-signed certificate the
# cluster must refuse. Password of all three: changeit. Never use these outside the tests.
set -euo pipefail
cd "$(dirname "$0")"
rm -f ./*.p12 ./*.pem ./*.csr
K=keytool
P=changeit
$K -genkeypair -alias ca -keyalg RSA -keysize 2048 -dname CN=link-export-test-ca -ext bc:c -validity 36500 \
  -keystore ca.p12 -storetype PKCS12 -storepass $P
$K -exportcert -alias ca -keystore ca.p12 -storepass $P -rfc -file ca.pem
$K -genkeypair -alias node -keyalg RSA -keysize 2048 -dname CN=link-export-test-node -validity 36500 \
  -keystore node.p12 -storetype PKCS12 -storepass $P
$K -certreq -alias node -keystore node.p12 -storepass $P -file node.csr
$K -gencert -alias ca -keystore ca.p12 -storepass $P -infile node.csr -outfile node.pem -rfc -validity 36500 \
  -ext ku:c=digitalSignature,keyEncipherment -ext eku=serverAuth,clientAuth
$K -importcert -alias ca -keystore node.p12 -storepass $P -file ca.pem -noprompt
$K -importcert -alias node -keystore node.p12 -storepass $P -file node.pem
$K -importcert -alias ca -keystore trust.p12 -storetype PKCS12 -storepass $P -file ca.pem -noprompt
$K -genkeypair -alias rogue -keyalg RSA -keysize 2048 -dname CN=rogue -validity 36500 \
  -keystore rogue.p12 -storetype PKCS12 -storepass $P
rm -f ca.p12 ca.pem node.csr node.pem
