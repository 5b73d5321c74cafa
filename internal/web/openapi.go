package web

import (
	_ "embed"
	"net/http"
)

// openapiDoc describes the JSON API; a test keeps it in step with routes.go.
//
//go:embed openapi.json
var openapiDoc []byte

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openapiDoc)
}
