//go:build tools

// Keeps wasmd's command in this module's dependency graph so `go mod tidy` records every
// module it needs in go.sum.
package tools

import _ "github.com/CosmWasm/wasmd/cmd/wasmd"
