package schema

// A JSON Schema validator for the input check: the keywords of drafts 4 to
// 2020-12 that constrain values, nothing ever loaded from the network or
// the disk, formats and content annotations never asserted. It lives here
// rather than in a library because the general libraries compile every
// draft's meta-schema when the program starts, a cost every coreclaw
// command (`--version` included) would pay for a check only `run` and
// `task` make.

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsNode is one compiled schema (or boolean schema).
type jsNode struct {
	always *bool // a boolean schema: true accepts, false rejects
	draft  int   // 4, 6, 7, 2019 or 2020

	ref *jsNode // $ref (and $dynamicRef/$recursiveRef, read as $ref)

	types       []string // canonical order (typeOrder)
	enum        []any
	hasEnum     bool
	constant    any
	hasConstant bool

	minimum, maximum, exclusiveMin, exclusiveMax, multipleOf *big.Rat

	minLength, maxLength     int // -1 when not declared
	minItems, maxItems       int
	minProps, maxProps       int
	minContains, maxContains int
	pattern                  matcher
	uniqueItems              bool

	required          []string
	properties        map[string]*jsNode
	patternProps      []patternSchema
	additionalProps   *jsNode
	propertyNames     *jsNode
	dependentRequired map[string][]string
	dependentSchemas  map[string]*jsNode

	items           *jsNode   // one schema for every item (after any tuple)
	tupleItems      []*jsNode // draft ≤ 2019 items as a list, 2020 prefixItems
	additionalItems *jsNode   // draft ≤ 2019, after a tuple
	contains        *jsNode

	allOf, anyOf, oneOf []*jsNode
	not                 *jsNode
	ifThen, ifElse      *jsNode
	ifSchema            *jsNode

	unevaluatedProps, unevaluatedItems *jsNode
}

type patternSchema struct {
	re     matcher
	schema *jsNode
}

// matcher is a compiled pattern; one Go cannot compile matches anything
// (ECMAScript lookarounds, say) instead of making the schema unusable.
type matcher interface {
	MatchString(string) bool
	String() string
}

type anything string

func (a anything) MatchString(string) bool { return true }
func (a anything) String() string          { return string(a) }

func lenientPattern(s string) matcher {
	re, err := regexp.Compile(s)
	if err != nil {
		return anything(s)
	}
	return re
}

// typeOrder is the order in which types are named in messages.
var typeOrder = [...]string{"null", "boolean", "number", "integer", "string", "array", "object"}

// invalidSchema means the document breaks the rules of JSON Schema.
type invalidSchema struct{ detail string }

func (e *invalidSchema) Error() string { return "it is not valid JSON Schema" }

// refusedRef is a reference the validator does not follow.
type refusedRef struct{ url string }

func (e *refusedRef) Error() string {
	return fmt.Sprintf("it refers to %s, which the CLI does not load", e.url)
}

func invalid(format string, args ...any) error {
	return &invalidSchema{detail: fmt.Sprintf(format, args...)}
}

// jsCompiler turns a decoded document into jsNodes. References are
// resolved once every schema position has been read, so that $id and
// $anchor anywhere are known.
type jsCompiler struct {
	root    any
	draft   int
	nodes   map[string]*jsNode // by JSON pointer
	bases   map[string]*url.URL
	ids     map[string]string // resource URL (no fragment) → pointer
	anchors map[string]string // resource URL + "#" + name → pointer
	pending []pendingRef
}

type pendingRef struct {
	node *jsNode
	ref  string
	base *url.URL
}

// compileJSONSchema compiles doc, resolving references within it only.
func compileJSONSchema(doc any) (*jsNode, error) {
	c := &jsCompiler{root: doc, draft: 2020, nodes: map[string]*jsNode{}, bases: map[string]*url.URL{},
		ids: map[string]string{}, anchors: map[string]string{}}
	base, _ := url.Parse(resourceURL)
	if obj, ok := doc.(map[string]any); ok {
		if v, ok := obj["$schema"]; ok {
			s, ok := v.(string)
			if !ok {
				return nil, invalid("$schema is not a string")
			}
			d, known := draftOf(s)
			if !known {
				u, _, _ := strings.Cut(s, "#")
				return nil, &refusedRef{url: u}
			}
			c.draft = d
		}
	}
	c.ids[stripFragment(base)] = ""
	root, err := c.compile(doc, "", base)
	if err != nil {
		return nil, err
	}
	for len(c.pending) > 0 {
		p := c.pending[0]
		c.pending = c.pending[1:]
		target, err := c.resolve(p.ref, p.base)
		if err != nil {
			return nil, err
		}
		p.node.ref = target
	}
	return root, nil
}

// draftOf reads a $schema URL; known reports one of the drafts.
func draftOf(s string) (draft int, known bool) {
	u := strings.TrimSuffix(s, "#")
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	switch u {
	case "json-schema.org/schema", "json-schema.org/draft/2020-12/schema":
		return 2020, true
	case "json-schema.org/draft/2019-09/schema":
		return 2019, true
	case "json-schema.org/draft-07/schema":
		return 7, true
	case "json-schema.org/draft-06/schema":
		return 6, true
	case "json-schema.org/draft-04/schema":
		return 4, true
	}
	return 0, false
}

func stripFragment(u *url.URL) string {
	c := *u
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

func (c *jsCompiler) compile(raw any, ptr string, base *url.URL) (*jsNode, error) {
	if n, ok := c.nodes[ptr]; ok {
		return n, nil
	}
	n := &jsNode{draft: c.draft, minLength: -1, maxLength: -1, minItems: -1, maxItems: -1,
		minProps: -1, maxProps: -1, minContains: -1, maxContains: -1}
	c.nodes[ptr] = n
	switch v := raw.(type) {
	case bool:
		n.always = &v
		return n, nil
	case map[string]any:
		return n, c.compileObject(n, v, ptr, base)
	}
	return nil, invalid("%s is not a schema", displayPointer(ptr))
}

func (c *jsCompiler) compileObject(n *jsNode, obj map[string]any, ptr string, base *url.URL) error {
	// The resource's identity: $id (id in draft 4) moves the base; in
	// drafts up to 7 an id of "#name" is an anchor.
	idKey := "$id"
	if c.draft == 4 {
		idKey = "id"
	}
	if v, ok := obj[idKey]; ok {
		id, ok := v.(string)
		if !ok {
			return invalid("%s is not a string", idKey)
		}
		if strings.HasPrefix(id, "#") && c.draft <= 7 {
			c.anchors[stripFragment(base)+id] = ptr
		} else if u, err := base.Parse(id); err == nil {
			base = u
			c.ids[stripFragment(u)] = ptr
			if u.Fragment != "" && c.draft <= 7 {
				c.anchors[stripFragment(u)+"#"+u.Fragment] = ptr
			}
		} else {
			return invalid("%s %q is not a URI", idKey, id)
		}
	}
	c.bases[ptr] = base
	for _, key := range []string{"$anchor", "$dynamicAnchor"} {
		if v, ok := obj[key]; ok && c.draft >= 2019 {
			name, ok := v.(string)
			if !ok {
				return invalid("%s is not a string", key)
			}
			c.anchors[stripFragment(base)+"#"+name] = ptr
		}
	}

	if c.draft >= 2019 {
		for _, key := range []string{"$defs", "definitions"} {
			if _, err := c.schemaMap(obj, key, ptr, base); err != nil {
				return err
			}
		}
	} else if _, err := c.schemaMap(obj, "definitions", ptr, base); err != nil {
		return err
	}

	for _, key := range []string{"$ref", "$dynamicRef", "$recursiveRef"} {
		v, ok := obj[key]
		if !ok {
			continue
		}
		ref, ok := v.(string)
		if !ok {
			return invalid("%s is not a string", key)
		}
		c.pending = append(c.pending, pendingRef{node: n, ref: ref, base: base})
		if c.draft < 2019 {
			// Before 2019-09 a $ref replaces its siblings.
			return nil
		}
		break
	}

	if v, ok := obj["type"]; ok {
		types, err := typeList(v)
		if err != nil {
			return err
		}
		n.types = types
	}
	if v, ok := obj["enum"]; ok {
		list, ok := v.([]any)
		if !ok {
			return invalid("enum is not a list")
		}
		n.enum, n.hasEnum = list, true
	}
	if v, ok := obj["const"]; ok && c.draft >= 6 {
		n.constant, n.hasConstant = v, true
	}

	var err error
	numbers := []struct {
		key string
		dst **big.Rat
	}{{"minimum", &n.minimum}, {"maximum", &n.maximum}, {"multipleOf", &n.multipleOf}}
	for _, kw := range numbers {
		if *kw.dst, err = numberKeyword(obj, kw.key); err != nil {
			return err
		}
	}
	if n.multipleOf != nil && n.multipleOf.Sign() <= 0 {
		return invalid("multipleOf is not positive")
	}
	if c.draft == 4 {
		// Draft 4: exclusiveMinimum is a flag on minimum.
		for _, kw := range []struct {
			key        string
			bound, dst **big.Rat
		}{{"exclusiveMinimum", &n.minimum, &n.exclusiveMin}, {"exclusiveMaximum", &n.maximum, &n.exclusiveMax}} {
			v, ok := obj[kw.key]
			if !ok {
				continue
			}
			flag, ok := v.(bool)
			if !ok {
				return invalid("%s is not a boolean", kw.key)
			}
			if flag && *kw.bound != nil {
				*kw.dst, *kw.bound = *kw.bound, nil
			}
		}
	} else {
		if n.exclusiveMin, err = numberKeyword(obj, "exclusiveMinimum"); err != nil {
			return err
		}
		if n.exclusiveMax, err = numberKeyword(obj, "exclusiveMaximum"); err != nil {
			return err
		}
	}

	counts := []struct {
		key   string
		dst   *int
		draft int
	}{
		{"minLength", &n.minLength, 4}, {"maxLength", &n.maxLength, 4},
		{"minItems", &n.minItems, 4}, {"maxItems", &n.maxItems, 4},
		{"minProperties", &n.minProps, 4}, {"maxProperties", &n.maxProps, 4},
		{"minContains", &n.minContains, 2019}, {"maxContains", &n.maxContains, 2019},
	}
	for _, kw := range counts {
		if c.draft < kw.draft {
			continue
		}
		if *kw.dst, err = countKeyword(obj, kw.key); err != nil {
			return err
		}
	}
	if v, ok := obj["pattern"]; ok {
		s, ok := v.(string)
		if !ok {
			return invalid("pattern is not a string")
		}
		n.pattern = lenientPattern(s)
	}
	if v, ok := obj["uniqueItems"]; ok {
		b, ok := v.(bool)
		if !ok {
			return invalid("uniqueItems is not a boolean")
		}
		n.uniqueItems = b
	}
	if v, ok := obj["required"]; ok {
		if n.required, err = nameList(v, "required"); err != nil {
			return err
		}
	}
	if v, ok := obj["format"]; ok {
		if _, ok := v.(string); !ok {
			return invalid("format is not a string")
		}
	}

	// Subschemas.
	if n.properties, err = c.schemaMap(obj, "properties", ptr, base); err != nil {
		return err
	}
	if v, ok := obj["patternProperties"]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			return invalid("patternProperties is not an object")
		}
		for _, k := range sortedKeys(m) {
			sub, err := c.compile(m[k], ptr+"/patternProperties/"+escapePointer(k), base)
			if err != nil {
				return err
			}
			n.patternProps = append(n.patternProps, patternSchema{re: lenientPattern(k), schema: sub})
		}
	}
	one := func(key string, dst **jsNode, minDraft int) error {
		v, ok := obj[key]
		if !ok || c.draft < minDraft {
			return nil
		}
		sub, err := c.compile(v, ptr+"/"+key, base)
		*dst = sub
		return err
	}
	singles := []struct {
		key   string
		dst   **jsNode
		draft int
	}{
		{"additionalProperties", &n.additionalProps, 4},
		{"propertyNames", &n.propertyNames, 6},
		{"contains", &n.contains, 6},
		{"not", &n.not, 4},
		{"if", &n.ifSchema, 7},
		{"then", &n.ifThen, 7},
		{"else", &n.ifElse, 7},
		{"unevaluatedProperties", &n.unevaluatedProps, 2019},
		{"unevaluatedItems", &n.unevaluatedItems, 2019},
	}
	for _, s := range singles {
		if err := one(s.key, s.dst, s.draft); err != nil {
			return err
		}
	}
	for _, kw := range []struct {
		key string
		dst *[]*jsNode
	}{{"allOf", &n.allOf}, {"anyOf", &n.anyOf}, {"oneOf", &n.oneOf}} {
		if *kw.dst, err = c.schemaList(obj, kw.key, ptr, base); err != nil {
			return err
		}
	}
	if v, ok := obj["items"]; ok {
		if _, isList := v.([]any); isList && c.draft < 2020 {
			if n.tupleItems, err = c.schemaList(obj, "items", ptr, base); err != nil {
				return err
			}
			if err := one("additionalItems", &n.additionalItems, 4); err != nil {
				return err
			}
		} else if err := one("items", &n.items, 4); err != nil {
			return err
		}
	}
	if c.draft >= 2020 {
		if n.tupleItems, err = c.schemaList(obj, "prefixItems", ptr, base); err != nil {
			return err
		}
	}

	if c.draft <= 7 {
		if v, ok := obj["dependencies"]; ok {
			m, ok := v.(map[string]any)
			if !ok {
				return invalid("dependencies is not an object")
			}
			for _, k := range sortedKeys(m) {
				if list, isList := m[k].([]any); isList {
					names, err := nameList(list, "dependencies")
					if err != nil {
						return err
					}
					n.addDependentRequired(k, names)
					continue
				}
				sub, err := c.compile(m[k], ptr+"/dependencies/"+escapePointer(k), base)
				if err != nil {
					return err
				}
				n.addDependentSchema(k, sub)
			}
		}
	} else {
		if v, ok := obj["dependentRequired"]; ok {
			m, ok := v.(map[string]any)
			if !ok {
				return invalid("dependentRequired is not an object")
			}
			for k, list := range m {
				names, err := nameList(list, "dependentRequired")
				if err != nil {
					return err
				}
				n.addDependentRequired(k, names)
			}
		}
		deps, err := c.schemaMap(obj, "dependentSchemas", ptr, base)
		if err != nil {
			return err
		}
		for k, sub := range deps {
			n.addDependentSchema(k, sub)
		}
	}
	for _, key := range []string{"title", "description", "$comment", "contentMediaType", "contentEncoding"} {
		if v, ok := obj[key]; ok {
			if _, ok := v.(string); !ok {
				return invalid("%s is not a string", key)
			}
		}
	}
	return nil
}

func (n *jsNode) addDependentRequired(name string, names []string) {
	if n.dependentRequired == nil {
		n.dependentRequired = map[string][]string{}
	}
	n.dependentRequired[name] = names
}

func (n *jsNode) addDependentSchema(name string, sub *jsNode) {
	if n.dependentSchemas == nil {
		n.dependentSchemas = map[string]*jsNode{}
	}
	n.dependentSchemas[name] = sub
}

func (c *jsCompiler) schemaMap(obj map[string]any, key, ptr string, base *url.URL) (map[string]*jsNode, error) {
	v, ok := obj[key]
	if !ok {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, invalid("%s is not an object", key)
	}
	out := make(map[string]*jsNode, len(m))
	for _, k := range sortedKeys(m) {
		sub, err := c.compile(m[k], ptr+"/"+key+"/"+escapePointer(k), base)
		if err != nil {
			return nil, err
		}
		out[k] = sub
	}
	return out, nil
}

func (c *jsCompiler) schemaList(obj map[string]any, key, ptr string, base *url.URL) ([]*jsNode, error) {
	v, ok := obj[key]
	if !ok {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, invalid("%s is not a list of schemas", key)
	}
	out := make([]*jsNode, len(list))
	for i, item := range list {
		sub, err := c.compile(item, ptr+"/"+key+"/"+strconv.Itoa(i), base)
		if err != nil {
			return nil, err
		}
		out[i] = sub
	}
	return out, nil
}

// resolve finds the schema a reference names: a JSON pointer or an
// anchor within this document (or a resource of it named by $id).
// Anything else would have to be loaded, which the CLI never does.
func (c *jsCompiler) resolve(ref string, base *url.URL) (*jsNode, error) {
	u, err := base.Parse(ref)
	if err != nil {
		return nil, invalid("$ref %q is not a URI", ref)
	}
	doc := stripFragment(u)
	resource, ok := c.ids[doc]
	if !ok {
		return nil, &refusedRef{url: doc}
	}
	frag := u.Fragment
	ptr := resource
	switch {
	case frag == "":
	case strings.HasPrefix(frag, "/"):
		ptr = resource + frag
	default:
		p, ok := c.anchors[doc+"#"+frag]
		if !ok {
			return nil, invalid("$ref %q names no anchor", ref)
		}
		ptr = p
	}
	if n, ok := c.nodes[ptr]; ok {
		return n, nil
	}
	raw, ok := lookupPointer(c.root, ptr)
	if !ok {
		return nil, invalid("$ref %q points nowhere in the schema", ref)
	}
	return c.compile(raw, ptr, c.baseFor(ptr))
}

// baseFor is the base URL in force at a pointer: that of its nearest
// compiled ancestor.
func (c *jsCompiler) baseFor(ptr string) *url.URL {
	for p := ptr; ; {
		if b, ok := c.bases[p]; ok {
			return b
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return c.bases[""]
		}
		p = p[:i]
	}
}

func lookupPointer(doc any, ptr string) (any, bool) {
	if ptr == "" {
		return doc, true
	}
	v := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[tok]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func displayPointer(ptr string) string {
	if ptr == "" {
		return "the schema"
	}
	return ptr
}

func typeList(v any) ([]string, error) {
	var names []string
	switch x := v.(type) {
	case string:
		names = []string{x}
	case []any:
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, invalid("type lists something other than names")
			}
			names = append(names, s)
		}
	default:
		return nil, invalid("type is not a name or a list of names")
	}
	var out []string
	for _, t := range typeOrder {
		if slices.Contains(names, t) {
			out = append(out, t)
		}
	}
	for _, name := range names {
		if !knownType(name) {
			return nil, invalid("type %q is not a JSON Schema type", name)
		}
	}
	return out, nil
}

func nameList(v any, key string) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, invalid("%s is not a list of names", key)
	}
	names := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, invalid("%s is not a list of names", key)
		}
		names = append(names, s)
	}
	return names, nil
}

func numberKeyword(obj map[string]any, key string) (*big.Rat, error) {
	v, ok := obj[key]
	if !ok {
		return nil, nil
	}
	r, ok := ratOf(v)
	if !ok {
		return nil, invalid("%s is not a number", key)
	}
	return r, nil
}

func countKeyword(obj map[string]any, key string) (int, error) {
	v, ok := obj[key]
	if !ok {
		return -1, nil
	}
	r, ok := ratOf(v)
	if !ok || !r.IsInt() || r.Sign() < 0 {
		return -1, invalid("%s is not a count", key)
	}
	if !r.Num().IsInt64() || r.Num().Int64() > int64(^uint(0)>>1) {
		return int(^uint(0) >> 1), nil
	}
	return int(r.Num().Int64()), nil
}

// maxExponent bounds the exponents read exactly: 1e1000000000 would cost
// big.Rat minutes and gigabytes, and no bound in a schema needs it.
const maxExponent = 10000

// ratOf reads a JSON number exactly.
func ratOf(v any) (*big.Rat, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return nil, false
	}
	s := string(n)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || exp > maxExponent || exp < -maxExponent {
			if err == nil && exp < 0 {
				exp = -maxExponent
			} else {
				exp = maxExponent
			}
			s = s[:i] + "e" + strconv.Itoa(exp)
		}
	}
	return new(big.Rat).SetString(s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsProblem is one violation at an instance location.
type jsProblem struct {
	loc []string
	msg string
}

// evaluated records which fields and items a schema looked at, for
// unevaluatedProperties and unevaluatedItems.
type evaluated struct {
	props    map[string]bool
	items    map[int]bool
	allItems bool
}

func (e *evaluated) merge(o *evaluated) {
	if o == nil {
		return
	}
	for k := range o.props {
		e.addProp(k)
	}
	for i := range o.items {
		e.addItem(i)
	}
	e.allItems = e.allItems || o.allItems
}

func (e *evaluated) addProp(k string) {
	if e.props == nil {
		e.props = map[string]bool{}
	}
	e.props[k] = true
}

func (e *evaluated) addItem(i int) {
	if e.items == nil {
		e.items = map[int]bool{}
	}
	e.items[i] = true
}

// jsValidator walks an instance; active guards against references that
// loop without moving into the instance.
type jsValidator struct {
	active []activeCheck
	loop   bool
}

type activeCheck struct {
	node  *jsNode
	depth int
}

// errRefLoop is returned when the schema's references loop in place.
type refLoop struct{}

func (refLoop) Error() string { return "its references loop without end" }

// validateJSONSchema checks an instance (decoded with json.Number).
func validateJSONSchema(root *jsNode, inst any) ([]jsProblem, error) {
	vd := &jsValidator{}
	problems, _ := vd.check(root, inst, nil)
	if vd.loop {
		return nil, refLoop{}
	}
	return problems, nil
}

func (vd *jsValidator) check(n *jsNode, v any, loc []string) ([]jsProblem, *evaluated) {
	for i := len(vd.active) - 1; i >= 0 && vd.active[i].depth == len(loc); i-- {
		if vd.active[i].node == n {
			vd.loop = true
			return nil, nil
		}
	}
	vd.active = append(vd.active, activeCheck{n, len(loc)})
	defer func() { vd.active = vd.active[:len(vd.active)-1] }()

	at := func(msg string) []jsProblem { return []jsProblem{{loc: loc, msg: msg}} }
	if n.always != nil {
		if *n.always {
			return nil, &evaluated{}
		}
		return at("not allowed"), nil
	}
	if len(n.types) > 0 && !typeMatches(n.types, v) {
		return at(fmt.Sprintf("expected %s, got %s", strings.Join(n.types, " or "), describeValue(v))), nil
	}
	if n.hasConstant && !jsonEqual(v, n.constant) {
		return at(fmt.Sprintf("must be %s", display(n.constant))), nil
	}
	if n.hasEnum && !slices.ContainsFunc(n.enum, func(e any) bool { return jsonEqual(v, e) }) {
		return at(fmt.Sprintf("%s is not one of %s", display(v), displayList(n.enum))), nil
	}

	var out []jsProblem
	ev := &evaluated{}
	add := func(ps []jsProblem) { out = append(out, ps...) }
	sub := func(s *jsNode, val any, key string) []jsProblem {
		ps, _ := vd.check(s, val, appendLoc(loc, key))
		return ps
	}
	inPlace := func(s *jsNode) ([]jsProblem, *evaluated) { return vd.check(s, v, loc) }

	if n.ref != nil {
		ps, e := inPlace(n.ref)
		add(ps)
		if len(ps) == 0 {
			ev.merge(e)
		}
		if n.draft < 2019 {
			return out, ev
		}
	}

	switch x := v.(type) {
	case map[string]any:
		add(vd.checkObject(n, x, loc, ev, sub, inPlace))
	case []any:
		add(vd.checkArray(n, x, loc, ev, sub))
	case string:
		length := utf8.RuneCountInString(x)
		if n.minLength >= 0 && length < n.minLength {
			add(at(fmt.Sprintf("%d characters, fewer than the minimum %d", length, n.minLength)))
		}
		if n.maxLength >= 0 && length > n.maxLength {
			add(at(fmt.Sprintf("%d characters, more than the maximum %d", length, n.maxLength)))
		}
		if n.pattern != nil && !n.pattern.MatchString(x) {
			add(at(fmt.Sprintf("%s does not match the pattern %s", quoteShort(x), quoteShort(n.pattern.String()))))
		}
	case json.Number:
		if r, ok := ratOf(x); ok {
			add(checkNumber(n, r, at))
		}
	}

	if n.not != nil {
		if ps, _ := inPlace(n.not); len(ps) == 0 {
			add(at("matches a form that is not allowed"))
		}
	}
	for _, s := range n.allOf {
		ps, e := inPlace(s)
		add(ps)
		if len(ps) == 0 {
			ev.merge(e)
		}
	}
	if len(n.anyOf) > 0 {
		matched := false
		for _, s := range n.anyOf {
			if ps, e := inPlace(s); len(ps) == 0 {
				matched = true
				ev.merge(e)
			}
		}
		if !matched {
			add(at("does not match any of the allowed forms"))
		}
	}
	if len(n.oneOf) > 0 {
		matched := 0
		for _, s := range n.oneOf {
			if ps, e := inPlace(s); len(ps) == 0 {
				matched++
				ev.merge(e)
			}
		}
		switch {
		case matched == 0:
			add(at("does not match any of the allowed forms"))
		case matched > 1:
			add(at("matches more than one of the allowed forms"))
		}
	}
	if n.ifSchema != nil {
		ps, e := inPlace(n.ifSchema)
		branch := n.ifElse
		if len(ps) == 0 {
			ev.merge(e)
			branch = n.ifThen
		}
		if branch != nil {
			ps, e := inPlace(branch)
			add(ps)
			if len(ps) == 0 {
				ev.merge(e)
			}
		}
	}

	// unevaluated* see what every other keyword evaluated.
	if obj, ok := v.(map[string]any); ok && n.unevaluatedProps != nil {
		for _, k := range sortedKeys(obj) {
			if !ev.props[k] {
				add(sub(n.unevaluatedProps, obj[k], k))
				ev.addProp(k)
			}
		}
	}
	if arr, ok := v.([]any); ok && n.unevaluatedItems != nil && !ev.allItems {
		for i, item := range arr {
			if !ev.items[i] {
				add(sub(n.unevaluatedItems, item, strconv.Itoa(i)))
			}
		}
		ev.allItems = true
	}
	return out, ev
}

func (vd *jsValidator) checkObject(n *jsNode, obj map[string]any, loc []string, ev *evaluated,
	sub func(*jsNode, any, string) []jsProblem, inPlace func(*jsNode) ([]jsProblem, *evaluated)) []jsProblem {
	var out []jsProblem
	at := func(msg string) { out = append(out, jsProblem{loc: loc, msg: msg}) }
	if n.minProps >= 0 && len(obj) < n.minProps {
		at(fmt.Sprintf("%d fields, fewer than the minimum %d", len(obj), n.minProps))
	}
	if n.maxProps >= 0 && len(obj) > n.maxProps {
		at(fmt.Sprintf("%d fields, more than the maximum %d", len(obj), n.maxProps))
	}
	for _, name := range n.required {
		if _, ok := obj[name]; !ok {
			out = append(out, jsProblem{loc: appendLoc(loc, name), msg: "required"})
		}
	}
	keys := sortedKeys(obj)
	for _, k := range keys {
		matched := false
		if s, ok := n.properties[k]; ok {
			matched = true
			out = append(out, sub(s, obj[k], k)...)
		}
		for _, pp := range n.patternProps {
			if pp.re.MatchString(k) {
				matched = true
				out = append(out, sub(pp.schema, obj[k], k)...)
			}
		}
		if !matched && n.additionalProps != nil {
			matched = true
			out = append(out, sub(n.additionalProps, obj[k], k)...)
		}
		if matched {
			ev.addProp(k)
		}
		if n.propertyNames != nil {
			if ps := sub(n.propertyNames, k, k); len(ps) > 0 {
				out = append(out, jsProblem{loc: appendLoc(loc, k), msg: "the name " + ps[0].msg})
			}
		}
	}
	for _, k := range sortedKeys(n.dependentRequired) {
		if _, ok := obj[k]; !ok {
			continue
		}
		for _, name := range n.dependentRequired[k] {
			if _, ok := obj[name]; !ok {
				out = append(out, jsProblem{loc: appendLoc(loc, name), msg: fmt.Sprintf("required when %s is given", quoteShort(k))})
			}
		}
	}
	for _, k := range sortedKeys(n.dependentSchemas) {
		if _, ok := obj[k]; !ok {
			continue
		}
		ps, e := inPlace(n.dependentSchemas[k])
		out = append(out, ps...)
		if len(ps) == 0 {
			ev.merge(e)
		}
	}
	return out
}

func (vd *jsValidator) checkArray(n *jsNode, arr []any, loc []string, ev *evaluated, sub func(*jsNode, any, string) []jsProblem) []jsProblem {
	var out []jsProblem
	at := func(msg string) { out = append(out, jsProblem{loc: loc, msg: msg}) }
	if n.minItems >= 0 && len(arr) < n.minItems {
		at(fmt.Sprintf("%d items, fewer than the minimum %d", len(arr), n.minItems))
	}
	if n.maxItems >= 0 && len(arr) > n.maxItems {
		at(fmt.Sprintf("%d items, more than the maximum %d", len(arr), n.maxItems))
	}
	if n.uniqueItems {
	dup:
		for i := range arr {
			for j := i + 1; j < len(arr); j++ {
				if jsonEqual(arr[i], arr[j]) {
					at(fmt.Sprintf("items %d and %d are the same", i, j))
					break dup
				}
			}
		}
	}
	tuple := min(len(n.tupleItems), len(arr))
	for i := 0; i < tuple; i++ {
		out = append(out, sub(n.tupleItems[i], arr[i], strconv.Itoa(i))...)
		ev.addItem(i)
	}
	rest := n.items
	if n.tupleItems != nil && n.draft < 2020 {
		rest = n.additionalItems
	}
	if rest != nil {
		for i := tuple; i < len(arr); i++ {
			out = append(out, sub(rest, arr[i], strconv.Itoa(i))...)
		}
		ev.allItems = true
	}
	if n.contains != nil {
		matched := 0
		for i, item := range arr {
			if len(sub(n.contains, item, strconv.Itoa(i))) == 0 {
				matched++
				ev.addItem(i)
			}
		}
		switch {
		case n.minContains >= 0 && matched < n.minContains:
			at(fmt.Sprintf("%d items of the required form, fewer than the minimum %d", matched, n.minContains))
		case n.minContains < 0 && matched == 0:
			at("no item has the required form")
		}
		if n.maxContains >= 0 && matched > n.maxContains {
			at(fmt.Sprintf("%d items of the required form, more than the maximum %d", matched, n.maxContains))
		}
	}
	return out
}

func checkNumber(n *jsNode, r *big.Rat, at func(string) []jsProblem) []jsProblem {
	var out []jsProblem
	if n.minimum != nil && r.Cmp(n.minimum) < 0 {
		out = append(out, at(fmt.Sprintf("%s is less than the minimum %s", ratString(r), ratString(n.minimum)))...)
	}
	if n.maximum != nil && r.Cmp(n.maximum) > 0 {
		out = append(out, at(fmt.Sprintf("%s is more than the maximum %s", ratString(r), ratString(n.maximum)))...)
	}
	if n.exclusiveMin != nil && r.Cmp(n.exclusiveMin) <= 0 {
		out = append(out, at(fmt.Sprintf("%s must be more than %s", ratString(r), ratString(n.exclusiveMin)))...)
	}
	if n.exclusiveMax != nil && r.Cmp(n.exclusiveMax) >= 0 {
		out = append(out, at(fmt.Sprintf("%s must be less than %s", ratString(r), ratString(n.exclusiveMax)))...)
	}
	if n.multipleOf != nil && !new(big.Rat).Quo(r, n.multipleOf).IsInt() {
		out = append(out, at(fmt.Sprintf("%s is not a multiple of %s", ratString(r), ratString(n.multipleOf)))...)
	}
	return out
}

func appendLoc(loc []string, key string) []string {
	return append(slices.Clip(loc), key)
}

func typeMatches(types []string, v any) bool {
	for _, t := range types {
		switch x := v.(type) {
		case nil:
			if t == "null" {
				return true
			}
		case bool:
			if t == "boolean" {
				return true
			}
		case string:
			if t == "string" {
				return true
			}
		case []any:
			if t == "array" {
				return true
			}
		case map[string]any:
			if t == "object" {
				return true
			}
		case json.Number:
			if t == "number" {
				return true
			}
			if t == "integer" {
				if r, ok := ratOf(x); ok && r.IsInt() {
					return true
				}
			}
		}
	}
	return false
}

// jsonEqual compares JSON values, numbers by value (1 equals 1.0).
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		rx, okx := ratOf(x)
		ry, oky := ratOf(y)
		return okx && oky && rx.Cmp(ry) == 0
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !jsonEqual(xv, yv) {
				return false
			}
		}
		return true
	}
	return false
}
