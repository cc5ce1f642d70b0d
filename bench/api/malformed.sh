#!/usr/bin/env bash
# Sends 1,000 malformed requests (seeded; tests/Keel.Web.Tests/MalformedRequests.cs) to a real keel server on loopback and
# fails unless every one is answered 4xx with a JSON error and nothing is stored. Prints the count per status code.
set -euo pipefail
cd "$(dirname "$0")/../.."
KEEL_MALFORMED_COUNT=${1:-1000} dotnet test tests/Keel.Web.Tests --filter "FullyQualifiedName~MalformedRequests_Hundreds" \
  --logger "console;verbosity=detailed" 2>&1 | grep -E "malformed requests:|Passed!|Failed!|Failed "
