// Package config resolves settings (flag > environment > config file >
// default) and reads and writes the config file safely: mode 0600 in a
// 0700 directory, replaced atomically.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"unicode"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/atomicfile"
)

// Environment variables.
const (
	EnvAPIKey    = "CORECLAW_API_KEY"
	EnvBaseURL   = "CORECLAW_BASE_URL"
	EnvConfigDir = "CORECLAW_CONFIG_DIR"
)

// Key names.
const (
	KeyAPIKey  = "api_key"
	KeyBaseURL = "base_url"
)

// Key describes one setting.
type Key struct {
	Name        string
	Env         string
	Flag        string // global flag that sets it, if any
	Default     string
	Secret      bool
	Description string
	Validate    func(string) error
}

// Keys lists every setting, in display order.
func Keys() []Key {
	return []Key{
		{
			Name: KeyAPIKey, Env: EnvAPIKey, Secret: true,
			Description: "API key from Console → Settings → API & Integrations",
			Validate:    validateAPIKey,
		},
		{
			Name: KeyBaseURL, Env: EnvBaseURL, Flag: "base-url", Default: api.DefaultBaseURL,
			Description: "API base URL (https, or http on a loopback address)",
			Validate: func(v string) error {
				_, err := api.ParseBaseURL(v)
				return err
			},
		},
	}
}

// LookupKey finds a key by name.
func LookupKey(name string) (Key, bool) {
	for _, k := range Keys() {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// KeyNames lists the key names, for messages and completion.
func KeyNames() []string {
	var names []string
	for _, k := range Keys() {
		names = append(names, k.Name)
	}
	return names
}

// APIKeyProblem says what makes a key from the environment or the config
// file unusable once its surrounding whitespace is trimmed: "a control
// character" or "whitespace" inside it; "" when there is none. Such a key
// would fail every request, so it is refused before any is sent.
func APIKeyProblem(v string) string {
	for _, r := range v {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return "a control character"
		}
	}
	for _, r := range v {
		if unicode.IsSpace(r) {
			return "whitespace"
		}
	}
	return ""
}

func validateAPIKey(v string) error {
	if v == "" {
		return errors.New("the API key is empty")
	}
	for _, r := range v {
		if r <= ' ' || r == 0x7f {
			return errors.New("the API key contains whitespace or control characters")
		}
	}
	return nil
}

// Source says where a value came from.
type Source string

const (
	SourceFlag    Source = "flag"
	SourceEnv     Source = "env"
	SourceFile    Source = "file"
	SourceDefault Source = "default"
	SourceUnset   Source = "unset"
)

// Config is the resolved configuration of one invocation.
type Config struct {
	dir      string
	path     string
	v        *viper.Viper
	flags    *pflag.FlagSet
	lookup   func(string) (string, bool)
	warnings []string
}

// Options for Load.
type Options struct {
	// Lookup reads the environment (os.LookupEnv).
	Lookup func(string) (string, bool)
	// Flags holds the global flags bound to keys (--base-url); may be nil.
	Flags *pflag.FlagSet
}

// Dir is the config directory: $CORECLAW_CONFIG_DIR, else
// <os.UserConfigDir()>/coreclaw.
func Dir(lookup func(string) (string, bool)) (string, error) {
	if d, ok := lookup(EnvConfigDir); ok && d != "" {
		return d, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the user config directory (set %s): %w", EnvConfigDir, err)
	}
	return filepath.Join(base, "coreclaw"), nil
}

// Load reads the config file (a missing file is fine) and binds the
// environment and flags.
func Load(opts Options) (*Config, error) {
	if opts.Lookup == nil {
		opts.Lookup = os.LookupEnv
	}
	dir, err := Dir(opts.Lookup)
	if err != nil {
		return nil, err
	}
	c := &Config{dir: dir, path: filepath.Join(dir, "config.yaml"), flags: opts.Flags, lookup: opts.Lookup}
	c.v = viper.New()
	c.v.SetConfigFile(c.path)
	c.v.SetConfigType("yaml")
	for _, k := range Keys() {
		if k.Default != "" {
			c.v.SetDefault(k.Name, k.Default)
		}
	}
	if w := dirWarning(dir); w != "" {
		c.warnings = append(c.warnings, w)
	}
	info, err := os.Stat(c.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("reading config file: %w", err)
	case info.IsDir():
		return nil, fmt.Errorf("config file %s is a directory", c.path)
	default:
		if err := c.v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("reading config file %s: %w", c.path, err)
		}
		if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
			c.warnings = append(c.warnings, fmt.Sprintf(
				"config file %s is readable by others (mode %04o): run `chmod 600 %s`",
				c.path, info.Mode().Perm(), c.path))
		}
	}
	return c, nil
}

// DirOpen reports a config directory that exists and is open to other
// users (any group or other permission bit): the contract is 0700. Never
// on Windows, where modes mean little.
func DirOpen(info fs.FileInfo, goos string) bool {
	return goos != "windows" && info.Mode().IsDir() && info.Mode().Perm()&0o077 != 0
}

func dirWarning(dir string) string {
	info, err := os.Stat(dir)
	if err != nil || !DirOpen(info, runtime.GOOS) {
		return ""
	}
	return fmt.Sprintf("config directory %s is open to other users (mode %04o): run `chmod 700 %s`",
		dir, info.Mode().Perm(), dir)
}

// Dir is the config directory's path.
func (c *Config) Dir() string { return c.dir }

// Path is the config file's path.
func (c *Config) Path() string { return c.path }

// Warnings are problems found while loading (file permissions).
func (c *Config) Warnings() []string { return c.warnings }

// Get returns a key's effective value and where it came from.
func (c *Config) Get(name string) (string, Source) {
	k, ok := LookupKey(name)
	if !ok {
		return "", SourceUnset
	}
	if k.Flag != "" && c.flags != nil {
		if f := c.flags.Lookup(k.Flag); f != nil && f.Changed {
			return f.Value.String(), SourceFlag
		}
	}
	// A secret pasted with its newline or a stray space still works: the
	// whitespace around it is trimmed (inside it, it is refused; see
	// APIKeyProblem).
	clean := func(v string) string {
		if k.Secret {
			return strings.TrimSpace(v)
		}
		return v
	}
	if k.Env != "" {
		if v, ok := c.lookup(k.Env); ok && clean(v) != "" {
			return clean(v), SourceEnv
		}
	}
	if c.v.InConfig(k.Name) {
		return clean(c.v.GetString(k.Name)), SourceFile
	}
	if k.Default != "" {
		return k.Default, SourceDefault
	}
	return "", SourceUnset
}

// FileValue returns the value stored in the file, if any.
func (c *Config) FileValue(name string) (string, bool) {
	if !c.v.InConfig(name) {
		return "", false
	}
	return c.v.GetString(name), true
}

// Set stores a key in the config file.
func (c *Config) Set(name, value string) error {
	k, ok := LookupKey(name)
	if !ok {
		return fmt.Errorf("unknown key %q (known keys: %s)", name, strings.Join(KeyNames(), ", "))
	}
	if k.Validate != nil {
		if err := k.Validate(value); err != nil {
			return err
		}
	}
	return c.update(func(m map[string]any) { m[name] = value })
}

// Unset removes a key from the config file.
func (c *Config) Unset(name string) error {
	if _, ok := LookupKey(name); !ok {
		return fmt.Errorf("unknown key %q (known keys: %s)", name, strings.Join(KeyNames(), ", "))
	}
	if _, err := os.Stat(c.path); errors.Is(err, fs.ErrNotExist) {
		return nil // nothing stored, nothing to remove: no empty file either
	}
	return c.update(func(m map[string]any) { delete(m, name) })
}

// update rewrites the file with one change, keeping keys it does not know.
func (c *Config) update(change func(map[string]any)) error {
	m := map[string]any{}
	raw, err := os.ReadFile(c.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("reading config file: %w", err)
	default:
		if err := yaml.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("config file %s is not valid YAML: %w", c.path, err)
		}
		if m == nil {
			m = map[string]any{}
		}
	}
	change(m)
	out, err := marshalSorted(m)
	if err != nil {
		return err
	}
	if err := WriteFileAtomic(c.path, out); err != nil {
		return err
	}
	// Keep the in-memory view in step for the rest of this invocation.
	c.v = viper.New()
	c.v.SetConfigFile(c.path)
	c.v.SetConfigType("yaml")
	for _, k := range Keys() {
		if k.Default != "" {
			c.v.SetDefault(k.Name, k.Default)
		}
	}
	return c.v.ReadInConfig()
}

func marshalSorted(m map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	node := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range keys {
		var v yaml.Node
		if err := v.Encode(m[k]); err != nil {
			return nil, err
		}
		node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, &v)
	}
	if len(keys) == 0 {
		return []byte{}, nil
	}
	return yaml.Marshal(node)
}

// WriteFileAtomic writes data to path with mode 0600, creating the
// directory with mode 0700; readers never see half a file, and the secret
// is never readable by others, not even for a moment.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	return nil
}

// Mask shows at most the first and last four characters of a secret, and
// fewer for short ones, so that a shown key cannot be used.
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	r := []rune(secret)
	n := len(r) / 4
	if n > 4 {
		n = 4
	}
	if n == 0 {
		return "****"
	}
	return string(r[:n]) + "****" + string(r[len(r)-n:])
}
