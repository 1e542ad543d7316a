// Package openapi holds the upstream CoreClaw OpenAPI document, copied into
// the repository so that a clone builds, demos and tests on its own (see
// README.md beside it for its origin and how to refresh it).
package openapi

import _ "embed"

// Document is openapi.json as published upstream, unchanged.
//
//go:embed openapi.json
var Document []byte

// Origin names the copy: where it was taken from and when.
const Origin = "CoreClaw API 2.0.0, Core-Claw/scraper-webui-docs commit 2284b1e (2026-08-08)"
