package web_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPICoversRoutes keeps openapi.json in step with routes.go: every
// "METHOD /api/v1/..." route is documented with that method.
func TestOpenAPICoversRoutes(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &spec); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	if !strings.HasPrefix(spec.OpenAPI, "3.") {
		t.Errorf("openapi version %q", spec.OpenAPI)
	}
	routes := regexp.MustCompile(`"(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^"]*)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 5 {
		t.Fatalf("found only %d API routes in routes.go", len(routes))
	}
	for _, m := range routes {
		method, path := strings.ToLower(m[1]), m[2]
		ops, ok := spec.Paths[path]
		if !ok {
			t.Errorf("%s %s: path missing from openapi.json", m[1], path)
			continue
		}
		if _, ok := ops[method]; !ok {
			t.Errorf("%s %s: method missing from openapi.json", m[1], path)
		}
	}
	// And nothing documented that is not served.
	served := map[string]bool{}
	for _, m := range routes {
		served[strings.ToLower(m[1])+" "+m[2]] = true
	}
	for path, ops := range spec.Paths {
		for method := range ops {
			switch method {
			case "get", "post", "put", "patch", "delete":
				if !served[method+" "+path] {
					t.Errorf("openapi.json documents %s %s, which routes.go does not serve", method, path)
				}
			}
		}
	}
}
