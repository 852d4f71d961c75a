#!/bin/sh
# Makes the RSA-2048 keys of the simulated My Number Card (src/sim/certs.rs): two simulated CA
# keys (user authentication, digital signature) and the two end-entity keys on the card.
# They are test keys for a fictional card, committed so every build makes the same
# certificates; they protect nothing. Run from the repository root; overwrites the files.
set -eu
dir=assets/sim
mkdir -p "$dir"
for name in ca-auth ca-sign ee-auth ee-sign; do
    openssl genrsa -out "$dir/$name.pem" 2048
done
