
use builtin;
use str;

set edit:completion:arg-completer[gwctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'gwctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'gwctl'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Predict every Gateway''s and route''s status and report every finding'
            cand simulate 'Route a request offline and explain the outcome'
            cand explain 'Explain a rule by code (`GW1001`) or name, or list every rule'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;check'= {
            cand -n 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits the findings reported to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces'
            cand --namespace 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits the findings reported to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces'
            cand --controller-name 'Only handle GatewayClasses with this controllerName'
            cand --include 'Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json)'
            cand --exclude 'Skip walked files and directories matching this glob (repeatable)'
            cand --max-file-size 'Largest file read, in bytes'
            cand --kubeconfig 'Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)'
            cand --context 'Kubeconfig context (default: its current-context)'
            cand --request-timeout 'Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --fail-on 'Exit with 1 when a finding at or above this severity exists'
            cand --color 'When to use colours (NO_COLOR is honoured with `auto`)'
            cand --complete 'Treat the input as the whole cluster: an object it does not contain does not exist'
            cand --cluster 'Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it: local objects replace cluster objects of the same kind/namespace/name. The cluster is the whole world (as --complete) except kinds the user may not list'
            cand --compare-status 'Report where the status a controller wrote (in the cluster, or in the input''s `status`) differs from the prediction, and stale statuses'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'gwctl;simulate'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'gwctl;explain'= {
            cand --list 'List every rule'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'gwctl;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'gwctl;help'= {
            cand check 'Predict every Gateway''s and route''s status and report every finding'
            cand simulate 'Route a request offline and explain the outcome'
            cand explain 'Explain a rule by code (`GW1001`) or name, or list every rule'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;help;check'= {
        }
        &'gwctl;help;simulate'= {
        }
        &'gwctl;help;explain'= {
        }
        &'gwctl;help;completions'= {
        }
        &'gwctl;help;help'= {
        }
    ]
    $completions[$command]
}
