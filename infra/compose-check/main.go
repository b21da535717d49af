// compose-check loads Compose files with compose-go, the Compose Specification's reference loader
// (the code `docker compose config` runs): YAML parsing, schema validation, interpolation,
// extends/include, normalization and the consistency checks (depends_on, networks, volumes…).
// It needs no Docker engine. Tideflow's tests use it on docker-compose.yml (infra/compose-check.ts).
//
// Usage:
//
//	compose-check [-env-file FILE]... [-project-directory DIR] [-no-os-env] [-strict] [-variables] FILE...
//
// Prints the normalized project as JSON on stdout (what `docker compose config --format json`
// prints) and exits 0; with -variables, the variables the files interpolate (name, default,
// required) instead, as `docker compose config --variables` lists them. Errors go to stderr with
// exit 1, usage errors with exit 2. Warnings compose-go logs (an obsolete `version`, a YAML 1.1
// boolean in an interpolated value…) go to stderr as "warning: …" lines; -strict makes them errors.
// -no-os-env loads the project from the env files alone, for results that do not depend on the
// caller's environment.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/sirupsen/logrus"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// warnings collects what compose-go logs at warning level or above.
type warnings struct{ lines []string }

func (w *warnings) Levels() []logrus.Level {
	return []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel, logrus.WarnLevel}
}

func (w *warnings) Fire(e *logrus.Entry) error {
	w.lines = append(w.lines, e.Message)
	return nil
}

type variable struct {
	Name          string `json:"name"`
	Required      bool   `json:"required"`
	DefaultValue  string `json:"defaultValue"`
	PresenceValue string `json:"presenceValue"`
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("compose-check", flag.ContinueOnError)
	flags.SetOutput(stderr)
	var envFiles stringList
	flags.Var(&envFiles, "env-file", "env file for interpolation (repeatable; default: the project directory's .env)")
	projectDir := flags.String("project-directory", "", "project directory (default: the first file's directory)")
	noOsEnv := flags.Bool("no-os-env", false, "do not interpolate from this process's environment")
	strict := flags.Bool("strict", false, "treat compose-go's warnings as errors")
	variables := flags.Bool("variables", false, "print the interpolated variables instead of the project")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: compose-check [flags] FILE...")
		flags.PrintDefaults()
		return 2
	}

	collected := &warnings{}
	logrus.SetOutput(io.Discard)
	logrus.AddHook(collected)

	opts := []cli.ProjectOptionsFn{cli.WithEnvFiles(envFiles...), cli.WithDotEnv}
	if !*noOsEnv {
		// As docker compose: the process environment wins over env files.
		opts = append([]cli.ProjectOptionsFn{cli.WithOsEnv}, opts...)
	}
	if *projectDir != "" {
		opts = append([]cli.ProjectOptionsFn{cli.WithWorkingDirectory(*projectDir)}, opts...)
	}
	if *variables {
		opts = append(opts, cli.WithInterpolation(false), cli.WithoutEnvironmentResolution)
	}
	options, err := cli.NewProjectOptions(flags.Args(), opts...)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}

	var out []byte
	if *variables {
		model, err := options.LoadModel(context.Background())
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		found := template.ExtractVariables(model, template.DefaultPattern)
		list := make([]variable, 0, len(found))
		for _, v := range found {
			list = append(list, variable{Name: v.Name, Required: v.Required, DefaultValue: v.DefaultValue, PresenceValue: v.PresenceValue})
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		out, err = json.MarshalIndent(list, "", "  ")
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
	} else {
		project, err := options.LoadProject(context.Background())
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
		out, err = project.MarshalJSON()
		if err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
	}

	for _, line := range collected.lines {
		fmt.Fprintf(stderr, "warning: %s\n", line)
	}
	if *strict && len(collected.lines) > 0 {
		fmt.Fprintf(stderr, "error: %d warning(s) with -strict\n", len(collected.lines))
		return 1
	}
	fmt.Fprintln(stdout, string(out))
	return 0
}
