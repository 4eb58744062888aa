
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
            cand diff 'What a change to the manifests changes: route parents, listeners, request outcomes'
            cand probe 'Send the simulated requests to a running Gateway and compare its answers'
            cand explain 'Explain a rule by code (`GW1001`) or name, or list every rule'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;check'= {
            cand -f 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)'
            cand --filename 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)'
            cand -n 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces'
            cand --namespace 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces'
            cand --controller 'The controller that runs in the cluster: a profile (spec, cilium, envoy-gateway, istio, nginx-gateway-fabric, kgateway, traefik, linkerd) or a GatewayClass controllerName. Only its GatewayClasses are handled, and a GatewayClass the input names but does not contain is assumed to be its own [default: `controller` of the configuration; without either, every class is handled by the profile its controllerName selects]'
            cand --include 'Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json)'
            cand --exclude 'Skip walked files and directories matching this glob (repeatable)'
            cand --helm-values 'A values file for every Helm chart rendered (`helm template --values`; repeatable)'
            cand --helm-set 'A value for every Helm chart rendered (`helm template --set`; repeatable)'
            cand --render-timeout 'How long rendering one kustomize directory or Helm chart may take (default 60s)'
            cand --max-file-size 'Largest file read, in bytes'
            cand --kubeconfig 'Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)'
            cand --context 'Kubeconfig context (default: its current-context)'
            cand --request-timeout 'Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is seconds)'
            cand --max-documents 'Most YAML documents read from one file'
            cand --url-timeout 'How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s)'
            cand --gateway-api-version 'The Gateway API release whose CRDs the objects are checked against (`v1.6.1`, `v1.4`) [default: `gatewayApiVersion` of the configuration, else the newest; with --cluster, the cluster''s own CRDs]'
            cand --gateway-api-channel 'The release channel of those CRDs [default: `gatewayApiChannel` of the configuration, else standard]'
            cand --crds 'Check against the CustomResourceDefinitions in these files, directory or URL instead of a Gateway API release'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --fail-on 'Exit with 1 when a finding at or above this severity exists [default: `failOn` of the configuration, else error]'
            cand --color 'When to use colours (NO_COLOR is honoured with `auto`)'
            cand --config 'The configuration file [default: the nearest `.gwctl.yaml` from the working directory up]'
            cand -A 'With --cluster: report every namespace (the default; as `kubectl get -A`)'
            cand --all-namespaces 'With --cluster: report every namespace (the default; as `kubectl get -A`)'
            cand --complete 'Treat the input as the whole cluster: an object it does not contain does not exist'
            cand --respect-gitignore 'Skip walked files that git ignores (.gitignore, .git/info/exclude, the global excludes file). Off by default: `kubectl apply -R -f` applies them'
            cand --no-respect-gitignore 'Read the files git ignores (the default; undoes an earlier --respect-gitignore)'
            cand --cluster 'Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it: local objects replace cluster objects of the same kind/namespace/name. The cluster is the whole world (as --complete) except kinds the user may not list'
            cand --compare-status 'Report where the status a controller wrote (in the cluster, or in the input''s `status`) differs from the prediction, and stale statuses'
            cand --show-accepted 'Human output: list the status of every object, not only of those with a problem'
            cand -q 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none'
            cand --quiet 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none'
            cand -v 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed'
            cand --verbose 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'gwctl;simulate'= {
            cand -f 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)'
            cand --filename 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)'
            cand -n 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces'
            cand --namespace 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces'
            cand --controller 'The controller that runs in the cluster: a profile (spec, cilium, envoy-gateway, istio, nginx-gateway-fabric, kgateway, traefik, linkerd) or a GatewayClass controllerName. Only its GatewayClasses are handled, and a GatewayClass the input names but does not contain is assumed to be its own [default: `controller` of the configuration; without either, every class is handled by the profile its controllerName selects]'
            cand --include 'Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json)'
            cand --exclude 'Skip walked files and directories matching this glob (repeatable)'
            cand --helm-values 'A values file for every Helm chart rendered (`helm template --values`; repeatable)'
            cand --helm-set 'A value for every Helm chart rendered (`helm template --set`; repeatable)'
            cand --render-timeout 'How long rendering one kustomize directory or Helm chart may take (default 60s)'
            cand --max-file-size 'Largest file read, in bytes'
            cand --kubeconfig 'Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)'
            cand --context 'Kubeconfig context (default: its current-context)'
            cand --request-timeout 'Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is seconds)'
            cand --max-documents 'Most YAML documents read from one file'
            cand --url-timeout 'How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s)'
            cand --gateway-api-version 'The Gateway API release whose CRDs the objects are checked against (`v1.6.1`, `v1.4`) [default: `gatewayApiVersion` of the configuration, else the newest; with --cluster, the cluster''s own CRDs]'
            cand --gateway-api-channel 'The release channel of those CRDs [default: `gatewayApiChannel` of the configuration, else standard]'
            cand --crds 'Check against the CustomResourceDefinitions in these files, directory or URL instead of a Gateway API release'
            cand --gateway 'The Gateway (`NS/NAME`, or `NAME` in --namespace). Default: every Gateway'
            cand --port 'The Gateway port (with --mesh: the Service port). Default: every port with a listener for the request (with --mesh: every port of the Service)'
            cand --to 'With --mesh: the Service the request is sent to (`NS/SERVICE[:PORT]`, or `SERVICE[:PORT]` in --namespace)'
            cand --from 'With --mesh: the namespace of the client workload. Default: the Service''s namespace'
            cand --scheme 'The scheme of the connection. Default: the protocol of the port''s listeners'
            cand --host 'The Host header (default: none, i.e. the Gateway address, which matches no hostname)'
            cand --sni 'The TLS SNI (default: the Host without its port)'
            cand --method 'The HTTP method'
            cand --path 'The path, optionally with `?query`'
            cand --query 'A query parameter (repeatable)'
            cand -H 'A request header (repeatable)'
            cand --header 'A request header (repeatable)'
            cand --grpc 'A gRPC call: HTTP/2 POST to `/SERVICE/METHOD`, matched by GRPCRoutes'
            cand --protocol 'The kind of traffic (default http, or grpc with --grpc)'
            cand --requests 'A YAML list of requests with expectations; prints a pass/fail table'
            cand --expect-status 'Exit 0 only if every result has this status code'
            cand --expect-backend 'Exit 0 only if every result reaches this Service'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured with `auto`)'
            cand --config 'The configuration file [default: the nearest `.gwctl.yaml` from the working directory up]'
            cand -A 'With --cluster: report every namespace (the default; as `kubectl get -A`)'
            cand --all-namespaces 'With --cluster: report every namespace (the default; as `kubectl get -A`)'
            cand --complete 'Treat the input as the whole cluster: an object it does not contain does not exist'
            cand --respect-gitignore 'Skip walked files that git ignores (.gitignore, .git/info/exclude, the global excludes file). Off by default: `kubectl apply -R -f` applies them'
            cand --no-respect-gitignore 'Read the files git ignores (the default; undoes an earlier --respect-gitignore)'
            cand --cluster 'Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it: local objects replace cluster objects of the same kind/namespace/name. The cluster is the whole world (as --complete) except kinds the user may not list'
            cand --compare-status 'Report where the status a controller wrote (in the cluster, or in the input''s `status`) differs from the prediction, and stale statuses'
            cand --mesh 'Route an east-west request inside a service mesh (GAMMA) instead of through a Gateway: the HTTPRoutes and GRPCRoutes whose parent is the Service --to names decide. Needs a mesh controller (--controller linkerd, or istio)'
            cand -q 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none'
            cand --quiet 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none'
            cand -v 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed'
            cand --verbose 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'gwctl;diff'= {
            cand -f 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)'
            cand --filename 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)'
            cand -n 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces'
            cand --namespace 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces'
            cand --controller 'The controller that runs in the cluster: a profile (spec, cilium, envoy-gateway, istio, nginx-gateway-fabric, kgateway, traefik, linkerd) or a GatewayClass controllerName. Only its GatewayClasses are handled, and a GatewayClass the input names but does not contain is assumed to be its own [default: `controller` of the configuration; without either, every class is handled by the profile its controllerName selects]'
            cand --include 'Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json)'
            cand --exclude 'Skip walked files and directories matching this glob (repeatable)'
            cand --helm-values 'A values file for every Helm chart rendered (`helm template --values`; repeatable)'
            cand --helm-set 'A value for every Helm chart rendered (`helm template --set`; repeatable)'
            cand --render-timeout 'How long rendering one kustomize directory or Helm chart may take (default 60s)'
            cand --max-file-size 'Largest file read, in bytes'
            cand --kubeconfig 'Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)'
            cand --context 'Kubeconfig context (default: its current-context)'
            cand --request-timeout 'Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is seconds)'
            cand --max-documents 'Most YAML documents read from one file'
            cand --url-timeout 'How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s)'
            cand --gateway-api-version 'The Gateway API release whose CRDs the objects are checked against (`v1.6.1`, `v1.4`) [default: `gatewayApiVersion` of the configuration, else the newest; with --cluster, the cluster''s own CRDs]'
            cand --gateway-api-channel 'The release channel of those CRDs [default: `gatewayApiChannel` of the configuration, else standard]'
            cand --crds 'Check against the CustomResourceDefinitions in these files, directory or URL instead of a Gateway API release'
            cand --git 'Compare the working tree with this git revision (`main`, `HEAD~1`, a commit)'
            cand --requests 'The requests to compare (a `simulate --requests` file) [default: one request per HTTPRoute match]'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured with `auto`)'
            cand --config 'The configuration file [default: the nearest `.gwctl.yaml` from the working directory up]'
            cand -A 'With --cluster: report every namespace (the default; as `kubectl get -A`)'
            cand --all-namespaces 'With --cluster: report every namespace (the default; as `kubectl get -A`)'
            cand --complete 'Treat the input as the whole cluster: an object it does not contain does not exist'
            cand --respect-gitignore 'Skip walked files that git ignores (.gitignore, .git/info/exclude, the global excludes file). Off by default: `kubectl apply -R -f` applies them'
            cand --no-respect-gitignore 'Read the files git ignores (the default; undoes an earlier --respect-gitignore)'
            cand --cluster 'Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it: local objects replace cluster objects of the same kind/namespace/name. The cluster is the whole world (as --complete) except kinds the user may not list'
            cand --compare-status 'Report where the status a controller wrote (in the cluster, or in the input''s `status`) differs from the prediction, and stale statuses'
            cand --exit-code 'Exit with 1 when something changed'
            cand -q 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none'
            cand --quiet 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none'
            cand -v 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed'
            cand --verbose 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'gwctl;probe'= {
            cand -f 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)'
            cand --filename 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)'
            cand -n 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces'
            cand --namespace 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces'
            cand --controller 'The controller that runs in the cluster: a profile (spec, cilium, envoy-gateway, istio, nginx-gateway-fabric, kgateway, traefik, linkerd) or a GatewayClass controllerName. Only its GatewayClasses are handled, and a GatewayClass the input names but does not contain is assumed to be its own [default: `controller` of the configuration; without either, every class is handled by the profile its controllerName selects]'
            cand --include 'Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json)'
            cand --exclude 'Skip walked files and directories matching this glob (repeatable)'
            cand --helm-values 'A values file for every Helm chart rendered (`helm template --values`; repeatable)'
            cand --helm-set 'A value for every Helm chart rendered (`helm template --set`; repeatable)'
            cand --render-timeout 'How long rendering one kustomize directory or Helm chart may take (default 60s)'
            cand --max-file-size 'Largest file read, in bytes'
            cand --kubeconfig 'Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)'
            cand --context 'Kubeconfig context (default: its current-context)'
            cand --request-timeout 'Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is seconds)'
            cand --max-documents 'Most YAML documents read from one file'
            cand --url-timeout 'How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s)'
            cand --gateway-api-version 'The Gateway API release whose CRDs the objects are checked against (`v1.6.1`, `v1.4`) [default: `gatewayApiVersion` of the configuration, else the newest; with --cluster, the cluster''s own CRDs]'
            cand --gateway-api-channel 'The release channel of those CRDs [default: `gatewayApiChannel` of the configuration, else standard]'
            cand --crds 'Check against the CustomResourceDefinitions in these files, directory or URL instead of a Gateway API release'
            cand --address 'Where the Gateway listens: `IP`, `IP:PORT`, `[IPv6]:PORT` or `NAME[:PORT]`. Without a port, each request goes to its Gateway port'
            cand --gateway 'The Gateway (`NS/NAME`, or `NAME` in --namespace). Default: the only Gateway'
            cand --port 'The Gateway port to probe. Default: every port with an HTTP or HTTPS listener'
            cand --requests 'A YAML list of requests (the `simulate --requests` format). Default: one request per match of every HTTPRoute that names the Gateway'
            cand --backend-header 'The response header that names the backend that answered (`name` or `ns/name`)'
            cand --timeout 'How long one request may take (`500ms`, `5s`)'
            cand --concurrency 'Requests in flight at once'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colours (NO_COLOR is honoured with `auto`)'
            cand --config 'The configuration file [default: the nearest `.gwctl.yaml` from the working directory up]'
            cand -A 'With --cluster: report every namespace (the default; as `kubectl get -A`)'
            cand --all-namespaces 'With --cluster: report every namespace (the default; as `kubectl get -A`)'
            cand --complete 'Treat the input as the whole cluster: an object it does not contain does not exist'
            cand --respect-gitignore 'Skip walked files that git ignores (.gitignore, .git/info/exclude, the global excludes file). Off by default: `kubectl apply -R -f` applies them'
            cand --no-respect-gitignore 'Read the files git ignores (the default; undoes an earlier --respect-gitignore)'
            cand --cluster 'Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it: local objects replace cluster objects of the same kind/namespace/name. The cluster is the whole world (as --complete) except kinds the user may not list'
            cand --compare-status 'Report where the status a controller wrote (in the cluster, or in the input''s `status`) differs from the prediction, and stale statuses'
            cand --insecure 'Accept any TLS certificate (self-signed test Gateways)'
            cand -q 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none'
            cand --quiet 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none'
            cand -v 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed'
            cand --verbose 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
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
            cand diff 'What a change to the manifests changes: route parents, listeners, request outcomes'
            cand probe 'Send the simulated requests to a running Gateway and compare its answers'
            cand explain 'Explain a rule by code (`GW1001`) or name, or list every rule'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'gwctl;help;check'= {
        }
        &'gwctl;help;simulate'= {
        }
        &'gwctl;help;diff'= {
        }
        &'gwctl;help;probe'= {
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
