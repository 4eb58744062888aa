# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_gwctl_global_optspecs
    string join \n h/help V/version
end

function __fish_gwctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_gwctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_gwctl_using_subcommand
    set -l cmd (__fish_gwctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c gwctl -n "__fish_gwctl_needs_command" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_needs_command" -s V -l version -d 'Print version'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "check" -d 'Predict every Gateway\'s and route\'s status and report every finding'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "simulate" -d 'Route a request offline and explain the outcome'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "diff" -d 'What a change to the manifests changes: route parents, listeners, request outcomes'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "probe" -d 'Send the simulated requests to a running Gateway and compare its answers'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "explain" -d 'Explain a rule by code (`GW1001`) or name, or list every rule'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c gwctl -n "__fish_gwctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -s f -l filename -d 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -s n -l namespace -d 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l controller -d 'The controller that runs in the cluster: a profile (spec, cilium, envoy-gateway, istio, nginx-gateway-fabric, kgateway, traefik, linkerd) or a GatewayClass controllerName. Only its GatewayClasses are handled, and a GatewayClass the input names but does not contain is assumed to be its own [default: `controller` of the configuration; without either, every class is handled by the profile its controllerName selects]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l include -d 'Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l exclude -d 'Skip walked files and directories matching this glob (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l helm-values -d 'A values file for every Helm chart rendered (`helm template --values`; repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l helm-set -d 'A value for every Helm chart rendered (`helm template --set`; repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l render-timeout -d 'How long rendering one kustomize directory or Helm chart may take (default 60s)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l max-file-size -d 'Largest file read, in bytes' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l kubeconfig -d 'Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l context -d 'Kubeconfig context (default: its current-context)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l request-timeout -d 'Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is seconds)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l max-documents -d 'Most YAML documents read from one file' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l url-timeout -d 'How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l gateway-api-version -d 'The Gateway API release whose CRDs the objects are checked against (`v1.6.1`, `v1.4`) [default: `gatewayApiVersion` of the configuration, else the newest; with --cluster, the cluster\'s own CRDs]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l gateway-api-channel -d 'The release channel of those CRDs [default: `gatewayApiChannel` of the configuration, else standard]' -r -f -a "standard\t''
experimental\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l crds -d 'Check against the CustomResourceDefinitions in these files, directory or URL instead of a Gateway API release' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -s o -l output -d 'Output format' -r -f -a "human\t'Source snippets and a status summary'
table\t'One row per route parent'
json\t'The `gwctl/v1` CheckReport'
yaml\t'The `gwctl/v1` CheckReport, in YAML'
status-yaml\t'Every input object; Gateway API objects with their predicted status'
sarif\t'SARIF 2.1.0, for code scanning'
github\t'GitHub Actions workflow commands (annotations)'
junit\t'JUnit XML: a test suite per file, a test case per object (for CI test reports)'"
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l fail-on -d 'Exit with 1 when a finding at or above this severity exists [default: `failOn` of the configuration, else error]' -r -f -a "error\t''
warning\t''
info\t''
never\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l color -d 'When to use colours (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l config -d 'The configuration file [default: the nearest `.gwctl.yaml` from the working directory up]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -s A -l all-namespaces -d 'With --cluster: report every namespace (the default; as `kubectl get -A`)'
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l complete -d 'Treat the input as the whole cluster: an object it does not contain does not exist'
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l respect-gitignore -d 'Skip walked files that git ignores (.gitignore, .git/info/exclude, the global excludes file). Off by default: `kubectl apply -R -f` applies them'
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l no-respect-gitignore -d 'Read the files git ignores (the default; undoes an earlier --respect-gitignore)'
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l cluster -d 'Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it: local objects replace cluster objects of the same kind/namespace/name. The cluster is the whole world (as --complete) except kinds the user may not list'
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l compare-status -d 'Report where the status a controller wrote (in the cluster, or in the input\'s `status`) differs from the prediction, and stale statuses'
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -l show-accepted -d 'Human output: list the status of every object, not only of those with a problem'
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -s q -l quiet -d 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none'
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -s v -l verbose -d 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed'
complete -c gwctl -n "__fish_gwctl_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -s f -l filename -d 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -s n -l namespace -d 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l controller -d 'The controller that runs in the cluster: a profile (spec, cilium, envoy-gateway, istio, nginx-gateway-fabric, kgateway, traefik, linkerd) or a GatewayClass controllerName. Only its GatewayClasses are handled, and a GatewayClass the input names but does not contain is assumed to be its own [default: `controller` of the configuration; without either, every class is handled by the profile its controllerName selects]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l include -d 'Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l exclude -d 'Skip walked files and directories matching this glob (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l helm-values -d 'A values file for every Helm chart rendered (`helm template --values`; repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l helm-set -d 'A value for every Helm chart rendered (`helm template --set`; repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l render-timeout -d 'How long rendering one kustomize directory or Helm chart may take (default 60s)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l max-file-size -d 'Largest file read, in bytes' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l kubeconfig -d 'Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l context -d 'Kubeconfig context (default: its current-context)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l request-timeout -d 'Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is seconds)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l max-documents -d 'Most YAML documents read from one file' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l url-timeout -d 'How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l gateway-api-version -d 'The Gateway API release whose CRDs the objects are checked against (`v1.6.1`, `v1.4`) [default: `gatewayApiVersion` of the configuration, else the newest; with --cluster, the cluster\'s own CRDs]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l gateway-api-channel -d 'The release channel of those CRDs [default: `gatewayApiChannel` of the configuration, else standard]' -r -f -a "standard\t''
experimental\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l crds -d 'Check against the CustomResourceDefinitions in these files, directory or URL instead of a Gateway API release' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l gateway -d 'The Gateway (`NS/NAME`, or `NAME` in --namespace). Default: every Gateway' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l port -d 'The Gateway port (with --mesh: the Service port). Default: every port with a listener for the request (with --mesh: every port of the Service)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l to -d 'With --mesh: the Service the request is sent to (`NS/SERVICE[:PORT]`, or `SERVICE[:PORT]` in --namespace)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l from -d 'With --mesh: the namespace of the client workload. Default: the Service\'s namespace' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l scheme -d 'The scheme of the connection. Default: the protocol of the port\'s listeners' -r -f -a "http\t''
https\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l host -d 'The Host header (default: none, i.e. the Gateway address, which matches no hostname)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l sni -d 'The TLS SNI (default: the Host without its port)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l method -d 'The HTTP method' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l path -d 'The path, optionally with `?query`' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l query -d 'A query parameter (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -s H -l header -d 'A request header (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l grpc -d 'A gRPC call: HTTP/2 POST to `/SERVICE/METHOD`, matched by GRPCRoutes' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l protocol -d 'The kind of traffic (default http, or grpc with --grpc)' -r -f -a "http\t''
grpc\t''
tls\t''
tcp\t''
udp\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l requests -d 'A YAML list of requests with expectations; prints a pass/fail table' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l expect-status -d 'Exit 0 only if every result has this status code' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l expect-backend -d 'Exit 0 only if every result reaches this Service' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -s o -l output -d 'Output format' -r -f -a "human\t'A short trace per (Gateway, port)'
json\t'The `gwctl/v1` SimulationReport'
junit\t'JUnit XML, one test case per request (for CI test reports)'"
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l color -d 'When to use colours (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l config -d 'The configuration file [default: the nearest `.gwctl.yaml` from the working directory up]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -s A -l all-namespaces -d 'With --cluster: report every namespace (the default; as `kubectl get -A`)'
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l complete -d 'Treat the input as the whole cluster: an object it does not contain does not exist'
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l respect-gitignore -d 'Skip walked files that git ignores (.gitignore, .git/info/exclude, the global excludes file). Off by default: `kubectl apply -R -f` applies them'
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l no-respect-gitignore -d 'Read the files git ignores (the default; undoes an earlier --respect-gitignore)'
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l cluster -d 'Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it: local objects replace cluster objects of the same kind/namespace/name. The cluster is the whole world (as --complete) except kinds the user may not list'
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l compare-status -d 'Report where the status a controller wrote (in the cluster, or in the input\'s `status`) differs from the prediction, and stale statuses'
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -l mesh -d 'Route an east-west request inside a service mesh (GAMMA) instead of through a Gateway: the HTTPRoutes and GRPCRoutes whose parent is the Service --to names decide. Needs a mesh controller (--controller linkerd, or istio)'
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -s q -l quiet -d 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none'
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -s v -l verbose -d 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed'
complete -c gwctl -n "__fish_gwctl_using_subcommand simulate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -s f -l filename -d 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -s n -l namespace -d 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l controller -d 'The controller that runs in the cluster: a profile (spec, cilium, envoy-gateway, istio, nginx-gateway-fabric, kgateway, traefik, linkerd) or a GatewayClass controllerName. Only its GatewayClasses are handled, and a GatewayClass the input names but does not contain is assumed to be its own [default: `controller` of the configuration; without either, every class is handled by the profile its controllerName selects]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l include -d 'Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l exclude -d 'Skip walked files and directories matching this glob (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l helm-values -d 'A values file for every Helm chart rendered (`helm template --values`; repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l helm-set -d 'A value for every Helm chart rendered (`helm template --set`; repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l render-timeout -d 'How long rendering one kustomize directory or Helm chart may take (default 60s)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l max-file-size -d 'Largest file read, in bytes' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l kubeconfig -d 'Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l context -d 'Kubeconfig context (default: its current-context)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l request-timeout -d 'Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is seconds)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l max-documents -d 'Most YAML documents read from one file' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l url-timeout -d 'How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l gateway-api-version -d 'The Gateway API release whose CRDs the objects are checked against (`v1.6.1`, `v1.4`) [default: `gatewayApiVersion` of the configuration, else the newest; with --cluster, the cluster\'s own CRDs]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l gateway-api-channel -d 'The release channel of those CRDs [default: `gatewayApiChannel` of the configuration, else standard]' -r -f -a "standard\t''
experimental\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l crds -d 'Check against the CustomResourceDefinitions in these files, directory or URL instead of a Gateway API release' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l git -d 'Compare the working tree with this git revision (`main`, `HEAD~1`, a commit)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l requests -d 'The requests to compare (a `simulate --requests` file) [default: one request per HTTPRoute match]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -s o -l output -d 'Output format' -r -f -a "human\t'Input errors, then one line per change, regressions marked'
json\t'The `gwctl/v1` DiffReport'"
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l color -d 'When to use colours (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l config -d 'The configuration file [default: the nearest `.gwctl.yaml` from the working directory up]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -s A -l all-namespaces -d 'With --cluster: report every namespace (the default; as `kubectl get -A`)'
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l complete -d 'Treat the input as the whole cluster: an object it does not contain does not exist'
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l respect-gitignore -d 'Skip walked files that git ignores (.gitignore, .git/info/exclude, the global excludes file). Off by default: `kubectl apply -R -f` applies them'
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l no-respect-gitignore -d 'Read the files git ignores (the default; undoes an earlier --respect-gitignore)'
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l cluster -d 'Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it: local objects replace cluster objects of the same kind/namespace/name. The cluster is the whole world (as --complete) except kinds the user may not list'
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l compare-status -d 'Report where the status a controller wrote (in the cluster, or in the input\'s `status`) differs from the prediction, and stale statuses'
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -l exit-code -d 'Exit with 1 when something changed'
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -s q -l quiet -d 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none'
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -s v -l verbose -d 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed'
complete -c gwctl -n "__fish_gwctl_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -s f -l filename -d 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -s n -l namespace -d 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l controller -d 'The controller that runs in the cluster: a profile (spec, cilium, envoy-gateway, istio, nginx-gateway-fabric, kgateway, traefik, linkerd) or a GatewayClass controllerName. Only its GatewayClasses are handled, and a GatewayClass the input names but does not contain is assumed to be its own [default: `controller` of the configuration; without either, every class is handled by the profile its controllerName selects]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l include -d 'Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l exclude -d 'Skip walked files and directories matching this glob (repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l helm-values -d 'A values file for every Helm chart rendered (`helm template --values`; repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l helm-set -d 'A value for every Helm chart rendered (`helm template --set`; repeatable)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l render-timeout -d 'How long rendering one kustomize directory or Helm chart may take (default 60s)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l max-file-size -d 'Largest file read, in bytes' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l kubeconfig -d 'Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l context -d 'Kubeconfig context (default: its current-context)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l request-timeout -d 'Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is seconds)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l max-documents -d 'Most YAML documents read from one file' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l url-timeout -d 'How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l gateway-api-version -d 'The Gateway API release whose CRDs the objects are checked against (`v1.6.1`, `v1.4`) [default: `gatewayApiVersion` of the configuration, else the newest; with --cluster, the cluster\'s own CRDs]' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l gateway-api-channel -d 'The release channel of those CRDs [default: `gatewayApiChannel` of the configuration, else standard]' -r -f -a "standard\t''
experimental\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l crds -d 'Check against the CustomResourceDefinitions in these files, directory or URL instead of a Gateway API release' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l address -d 'Where the Gateway listens: `IP`, `IP:PORT`, `[IPv6]:PORT` or `NAME[:PORT]`. Without a port, each request goes to its Gateway port' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l gateway -d 'The Gateway (`NS/NAME`, or `NAME` in --namespace). Default: the only Gateway' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l port -d 'The Gateway port to probe. Default: every port with an HTTP or HTTPS listener' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l requests -d 'A YAML list of requests (the `simulate --requests` format). Default: one request per match of every HTTPRoute that names the Gateway' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l backend-header -d 'The response header that names the backend that answered (`name` or `ns/name`)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l timeout -d 'How long one request may take (`500ms`, `5s`)' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l concurrency -d 'Requests in flight at once' -r
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -s o -l output -d 'Output format' -r -f -a "human\t'A table of predicted and observed answers, and every difference'
json\t'The `gwctl/v1` ProbeReport'
junit\t'JUnit XML: one test case per request'"
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l color -d 'When to use colours (NO_COLOR is honoured with `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l config -d 'The configuration file [default: the nearest `.gwctl.yaml` from the working directory up]' -r -F
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -s A -l all-namespaces -d 'With --cluster: report every namespace (the default; as `kubectl get -A`)'
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l complete -d 'Treat the input as the whole cluster: an object it does not contain does not exist'
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l respect-gitignore -d 'Skip walked files that git ignores (.gitignore, .git/info/exclude, the global excludes file). Off by default: `kubectl apply -R -f` applies them'
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l no-respect-gitignore -d 'Read the files git ignores (the default; undoes an earlier --respect-gitignore)'
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l cluster -d 'Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it: local objects replace cluster objects of the same kind/namespace/name. The cluster is the whole world (as --complete) except kinds the user may not list'
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l compare-status -d 'Report where the status a controller wrote (in the cluster, or in the input\'s `status`) differs from the prediction, and stale statuses'
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -l insecure -d 'Accept any TLS certificate (self-signed test Gateways)'
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -s q -l quiet -d 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none'
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -s v -l verbose -d 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed'
complete -c gwctl -n "__fish_gwctl_using_subcommand probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gwctl -n "__fish_gwctl_using_subcommand explain" -l list -d 'List every rule'
complete -c gwctl -n "__fish_gwctl_using_subcommand explain" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from check simulate diff probe explain completions help" -f -a "check" -d 'Predict every Gateway\'s and route\'s status and report every finding'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from check simulate diff probe explain completions help" -f -a "simulate" -d 'Route a request offline and explain the outcome'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from check simulate diff probe explain completions help" -f -a "diff" -d 'What a change to the manifests changes: route parents, listeners, request outcomes'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from check simulate diff probe explain completions help" -f -a "probe" -d 'Send the simulated requests to a running Gateway and compare its answers'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from check simulate diff probe explain completions help" -f -a "explain" -d 'Explain a rule by code (`GW1001`) or name, or list every rule'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from check simulate diff probe explain completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c gwctl -n "__fish_gwctl_using_subcommand help; and not __fish_seen_subcommand_from check simulate diff probe explain completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
