
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'gwctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'gwctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'gwctl' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Predict every Gateway''s and route''s status and report every finding')
            [CompletionResult]::new('simulate', 'simulate', [CompletionResultType]::ParameterValue, 'Route a request offline and explain the outcome')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'What a change to the manifests changes: route parents, listeners, request outcomes')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Send the simulated requests to a running Gateway and compare its answers')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain a rule by code (`GW1001`) or name, or list every rule')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;check' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces')
            [CompletionResult]::new('--controller', '--controller', [CompletionResultType]::ParameterName, 'The controller that runs in the cluster: a profile (spec, cilium, envoy-gateway, istio, nginx-gateway-fabric, kgateway, traefik, linkerd) or a GatewayClass controllerName. Only its GatewayClasses are handled, and a GatewayClass the input names but does not contain is assumed to be its own [default: `controller` of the configuration; without either, every class is handled by the profile its controllerName selects]')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Skip walked files and directories matching this glob (repeatable)')
            [CompletionResult]::new('--helm-values', '--helm-values', [CompletionResultType]::ParameterName, 'A values file for every Helm chart rendered (`helm template --values`; repeatable)')
            [CompletionResult]::new('--helm-set', '--helm-set', [CompletionResultType]::ParameterName, 'A value for every Helm chart rendered (`helm template --set`; repeatable)')
            [CompletionResult]::new('--render-timeout', '--render-timeout', [CompletionResultType]::ParameterName, 'How long rendering one kustomize directory or Helm chart may take (default 60s)')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Largest file read, in bytes')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: its current-context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is seconds)')
            [CompletionResult]::new('--max-documents', '--max-documents', [CompletionResultType]::ParameterName, 'Most YAML documents read from one file')
            [CompletionResult]::new('--url-timeout', '--url-timeout', [CompletionResultType]::ParameterName, 'How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s)')
            [CompletionResult]::new('--gateway-api-version', '--gateway-api-version', [CompletionResultType]::ParameterName, 'The Gateway API release whose CRDs the objects are checked against (`v1.6.1`, `v1.4`) [default: `gatewayApiVersion` of the configuration, else the newest; with --cluster, the cluster''s own CRDs]')
            [CompletionResult]::new('--gateway-api-channel', '--gateway-api-channel', [CompletionResultType]::ParameterName, 'The release channel of those CRDs [default: `gatewayApiChannel` of the configuration, else standard]')
            [CompletionResult]::new('--crds', '--crds', [CompletionResultType]::ParameterName, 'Check against the CustomResourceDefinitions in these files, directory or URL instead of a Gateway API release')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit with 1 when a finding at or above this severity exists [default: `failOn` of the configuration, else error]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file [default: the nearest `.gwctl.yaml` from the working directory up]')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With --cluster: report every namespace (the default; as `kubectl get -A`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With --cluster: report every namespace (the default; as `kubectl get -A`)')
            [CompletionResult]::new('--complete', '--complete', [CompletionResultType]::ParameterName, 'Treat the input as the whole cluster: an object it does not contain does not exist')
            [CompletionResult]::new('--respect-gitignore', '--respect-gitignore', [CompletionResultType]::ParameterName, 'Skip walked files that git ignores (.gitignore, .git/info/exclude, the global excludes file). Off by default: `kubectl apply -R -f` applies them')
            [CompletionResult]::new('--no-respect-gitignore', '--no-respect-gitignore', [CompletionResultType]::ParameterName, 'Read the files git ignores (the default; undoes an earlier --respect-gitignore)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it: local objects replace cluster objects of the same kind/namespace/name. The cluster is the whole world (as --complete) except kinds the user may not list')
            [CompletionResult]::new('--compare-status', '--compare-status', [CompletionResultType]::ParameterName, 'Report where the status a controller wrote (in the cluster, or in the input''s `status`) differs from the prediction, and stale statuses')
            [CompletionResult]::new('--show-accepted', '--show-accepted', [CompletionResultType]::ParameterName, 'Human output: list the status of every object, not only of those with a problem')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'gwctl;simulate' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces')
            [CompletionResult]::new('--controller', '--controller', [CompletionResultType]::ParameterName, 'The controller that runs in the cluster: a profile (spec, cilium, envoy-gateway, istio, nginx-gateway-fabric, kgateway, traefik, linkerd) or a GatewayClass controllerName. Only its GatewayClasses are handled, and a GatewayClass the input names but does not contain is assumed to be its own [default: `controller` of the configuration; without either, every class is handled by the profile its controllerName selects]')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Skip walked files and directories matching this glob (repeatable)')
            [CompletionResult]::new('--helm-values', '--helm-values', [CompletionResultType]::ParameterName, 'A values file for every Helm chart rendered (`helm template --values`; repeatable)')
            [CompletionResult]::new('--helm-set', '--helm-set', [CompletionResultType]::ParameterName, 'A value for every Helm chart rendered (`helm template --set`; repeatable)')
            [CompletionResult]::new('--render-timeout', '--render-timeout', [CompletionResultType]::ParameterName, 'How long rendering one kustomize directory or Helm chart may take (default 60s)')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Largest file read, in bytes')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: its current-context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is seconds)')
            [CompletionResult]::new('--max-documents', '--max-documents', [CompletionResultType]::ParameterName, 'Most YAML documents read from one file')
            [CompletionResult]::new('--url-timeout', '--url-timeout', [CompletionResultType]::ParameterName, 'How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s)')
            [CompletionResult]::new('--gateway-api-version', '--gateway-api-version', [CompletionResultType]::ParameterName, 'The Gateway API release whose CRDs the objects are checked against (`v1.6.1`, `v1.4`) [default: `gatewayApiVersion` of the configuration, else the newest; with --cluster, the cluster''s own CRDs]')
            [CompletionResult]::new('--gateway-api-channel', '--gateway-api-channel', [CompletionResultType]::ParameterName, 'The release channel of those CRDs [default: `gatewayApiChannel` of the configuration, else standard]')
            [CompletionResult]::new('--crds', '--crds', [CompletionResultType]::ParameterName, 'Check against the CustomResourceDefinitions in these files, directory or URL instead of a Gateway API release')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'The Gateway (`NS/NAME`, or `NAME` in --namespace). Default: every Gateway')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The Gateway port (with --mesh: the Service port). Default: every port with a listener for the request (with --mesh: every port of the Service)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'With --mesh: the Service the request is sent to (`NS/SERVICE[:PORT]`, or `SERVICE[:PORT]` in --namespace)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'With --mesh: the namespace of the client workload. Default: the Service''s namespace')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'The scheme of the connection. Default: the protocol of the port''s listeners')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The Host header (default: none, i.e. the Gateway address, which matches no hostname)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'The TLS SNI (default: the Host without its port)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'The HTTP method')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'The path, optionally with `?query`')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'A query parameter (repeatable)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'A request header (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A request header (repeatable)')
            [CompletionResult]::new('--grpc', '--grpc', [CompletionResultType]::ParameterName, 'A gRPC call: HTTP/2 POST to `/SERVICE/METHOD`, matched by GRPCRoutes')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'The kind of traffic (default http, or grpc with --grpc)')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'A YAML list of requests with expectations; prints a pass/fail table')
            [CompletionResult]::new('--expect-status', '--expect-status', [CompletionResultType]::ParameterName, 'Exit 0 only if every result has this status code')
            [CompletionResult]::new('--expect-backend', '--expect-backend', [CompletionResultType]::ParameterName, 'Exit 0 only if every result reaches this Service')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file [default: the nearest `.gwctl.yaml` from the working directory up]')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With --cluster: report every namespace (the default; as `kubectl get -A`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With --cluster: report every namespace (the default; as `kubectl get -A`)')
            [CompletionResult]::new('--complete', '--complete', [CompletionResultType]::ParameterName, 'Treat the input as the whole cluster: an object it does not contain does not exist')
            [CompletionResult]::new('--respect-gitignore', '--respect-gitignore', [CompletionResultType]::ParameterName, 'Skip walked files that git ignores (.gitignore, .git/info/exclude, the global excludes file). Off by default: `kubectl apply -R -f` applies them')
            [CompletionResult]::new('--no-respect-gitignore', '--no-respect-gitignore', [CompletionResultType]::ParameterName, 'Read the files git ignores (the default; undoes an earlier --respect-gitignore)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it: local objects replace cluster objects of the same kind/namespace/name. The cluster is the whole world (as --complete) except kinds the user may not list')
            [CompletionResult]::new('--compare-status', '--compare-status', [CompletionResultType]::ParameterName, 'Report where the status a controller wrote (in the cluster, or in the input''s `status`) differs from the prediction, and stale statuses')
            [CompletionResult]::new('--mesh', '--mesh', [CompletionResultType]::ParameterName, 'Route an east-west request inside a service mesh (GAMMA) instead of through a Gateway: the HTTPRoutes and GRPCRoutes whose parent is the Service --to names decide. Needs a mesh controller (--controller linkerd, or istio)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'gwctl;diff' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces')
            [CompletionResult]::new('--controller', '--controller', [CompletionResultType]::ParameterName, 'The controller that runs in the cluster: a profile (spec, cilium, envoy-gateway, istio, nginx-gateway-fabric, kgateway, traefik, linkerd) or a GatewayClass controllerName. Only its GatewayClasses are handled, and a GatewayClass the input names but does not contain is assumed to be its own [default: `controller` of the configuration; without either, every class is handled by the profile its controllerName selects]')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Skip walked files and directories matching this glob (repeatable)')
            [CompletionResult]::new('--helm-values', '--helm-values', [CompletionResultType]::ParameterName, 'A values file for every Helm chart rendered (`helm template --values`; repeatable)')
            [CompletionResult]::new('--helm-set', '--helm-set', [CompletionResultType]::ParameterName, 'A value for every Helm chart rendered (`helm template --set`; repeatable)')
            [CompletionResult]::new('--render-timeout', '--render-timeout', [CompletionResultType]::ParameterName, 'How long rendering one kustomize directory or Helm chart may take (default 60s)')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Largest file read, in bytes')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: its current-context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is seconds)')
            [CompletionResult]::new('--max-documents', '--max-documents', [CompletionResultType]::ParameterName, 'Most YAML documents read from one file')
            [CompletionResult]::new('--url-timeout', '--url-timeout', [CompletionResultType]::ParameterName, 'How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s)')
            [CompletionResult]::new('--gateway-api-version', '--gateway-api-version', [CompletionResultType]::ParameterName, 'The Gateway API release whose CRDs the objects are checked against (`v1.6.1`, `v1.4`) [default: `gatewayApiVersion` of the configuration, else the newest; with --cluster, the cluster''s own CRDs]')
            [CompletionResult]::new('--gateway-api-channel', '--gateway-api-channel', [CompletionResultType]::ParameterName, 'The release channel of those CRDs [default: `gatewayApiChannel` of the configuration, else standard]')
            [CompletionResult]::new('--crds', '--crds', [CompletionResultType]::ParameterName, 'Check against the CustomResourceDefinitions in these files, directory or URL instead of a Gateway API release')
            [CompletionResult]::new('--git', '--git', [CompletionResultType]::ParameterName, 'Compare the working tree with this git revision (`main`, `HEAD~1`, a commit)')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'The requests to compare (a `simulate --requests` file) [default: one request per HTTPRoute match]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file [default: the nearest `.gwctl.yaml` from the working directory up]')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With --cluster: report every namespace (the default; as `kubectl get -A`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With --cluster: report every namespace (the default; as `kubectl get -A`)')
            [CompletionResult]::new('--complete', '--complete', [CompletionResultType]::ParameterName, 'Treat the input as the whole cluster: an object it does not contain does not exist')
            [CompletionResult]::new('--respect-gitignore', '--respect-gitignore', [CompletionResultType]::ParameterName, 'Skip walked files that git ignores (.gitignore, .git/info/exclude, the global excludes file). Off by default: `kubectl apply -R -f` applies them')
            [CompletionResult]::new('--no-respect-gitignore', '--no-respect-gitignore', [CompletionResultType]::ParameterName, 'Read the files git ignores (the default; undoes an earlier --respect-gitignore)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it: local objects replace cluster objects of the same kind/namespace/name. The cluster is the whole world (as --complete) except kinds the user may not list')
            [CompletionResult]::new('--compare-status', '--compare-status', [CompletionResultType]::ParameterName, 'Report where the status a controller wrote (in the cluster, or in the input''s `status`) differs from the prediction, and stale statuses')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit with 1 when something changed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'gwctl;probe' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after the PATHS)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of local namespaced objects that do not set one (default `default`, as `kubectl apply -n`). With --cluster it also limits what is reported (findings, status, counts) to this namespace (as `kubectl get -n`); every namespace is still read, since attachment depends on other namespaces')
            [CompletionResult]::new('--controller', '--controller', [CompletionResultType]::ParameterName, 'The controller that runs in the cluster: a profile (spec, cilium, envoy-gateway, istio, nginx-gateway-fabric, kgateway, traefik, linkerd) or a GatewayClass controllerName. Only its GatewayClasses are handled, and a GatewayClass the input names but does not contain is assumed to be its own [default: `controller` of the configuration; without either, every class is handled by the profile its controllerName selects]')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Skip walked files and directories matching this glob (repeatable)')
            [CompletionResult]::new('--helm-values', '--helm-values', [CompletionResultType]::ParameterName, 'A values file for every Helm chart rendered (`helm template --values`; repeatable)')
            [CompletionResult]::new('--helm-set', '--helm-set', [CompletionResultType]::ParameterName, 'A value for every Helm chart rendered (`helm template --set`; repeatable)')
            [CompletionResult]::new('--render-timeout', '--render-timeout', [CompletionResultType]::ParameterName, 'How long rendering one kustomize directory or Helm chart may take (default 60s)')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Largest file read, in bytes')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context (default: its current-context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is seconds)')
            [CompletionResult]::new('--max-documents', '--max-documents', [CompletionResultType]::ParameterName, 'Most YAML documents read from one file')
            [CompletionResult]::new('--url-timeout', '--url-timeout', [CompletionResultType]::ParameterName, 'How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s)')
            [CompletionResult]::new('--gateway-api-version', '--gateway-api-version', [CompletionResultType]::ParameterName, 'The Gateway API release whose CRDs the objects are checked against (`v1.6.1`, `v1.4`) [default: `gatewayApiVersion` of the configuration, else the newest; with --cluster, the cluster''s own CRDs]')
            [CompletionResult]::new('--gateway-api-channel', '--gateway-api-channel', [CompletionResultType]::ParameterName, 'The release channel of those CRDs [default: `gatewayApiChannel` of the configuration, else standard]')
            [CompletionResult]::new('--crds', '--crds', [CompletionResultType]::ParameterName, 'Check against the CustomResourceDefinitions in these files, directory or URL instead of a Gateway API release')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Where the Gateway listens: `IP`, `IP:PORT`, `[IPv6]:PORT` or `NAME[:PORT]`. Without a port, each request goes to its Gateway port')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'The Gateway (`NS/NAME`, or `NAME` in --namespace). Default: the only Gateway')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The Gateway port to probe. Default: every port with an HTTP or HTTPS listener')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'A YAML list of requests (the `simulate --requests` format). Default: one request per match of every HTTPRoute that names the Gateway')
            [CompletionResult]::new('--backend-header', '--backend-header', [CompletionResultType]::ParameterName, 'The response header that names the backend that answered (`name` or `ns/name`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long one request may take (`500ms`, `5s`)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR is honoured with `auto`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The configuration file [default: the nearest `.gwctl.yaml` from the working directory up]')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'With --cluster: report every namespace (the default; as `kubectl get -A`)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'With --cluster: report every namespace (the default; as `kubectl get -A`)')
            [CompletionResult]::new('--complete', '--complete', [CompletionResultType]::ParameterName, 'Treat the input as the whole cluster: an object it does not contain does not exist')
            [CompletionResult]::new('--respect-gitignore', '--respect-gitignore', [CompletionResultType]::ParameterName, 'Skip walked files that git ignores (.gitignore, .git/info/exclude, the global excludes file). Off by default: `kubectl apply -R -f` applies them')
            [CompletionResult]::new('--no-respect-gitignore', '--no-respect-gitignore', [CompletionResultType]::ParameterName, 'Read the files git ignores (the default; undoes an earlier --respect-gitignore)')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it: local objects replace cluster objects of the same kind/namespace/name. The cluster is the whole world (as --complete) except kinds the user may not list')
            [CompletionResult]::new('--compare-status', '--compare-status', [CompletionResultType]::ParameterName, 'Report where the status a controller wrote (in the cluster, or in the input''s `status`) differs from the prediction, and stale statuses')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any TLS certificate (self-signed test Gateways)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print one line per finding (per result with `simulate`, per change with `diff`), and nothing when there is none')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also show infos, and say on stderr which configuration was used, what was read and what was suppressed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'gwctl;explain' {
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List every rule')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'gwctl;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'gwctl;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Predict every Gateway''s and route''s status and report every finding')
            [CompletionResult]::new('simulate', 'simulate', [CompletionResultType]::ParameterValue, 'Route a request offline and explain the outcome')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'What a change to the manifests changes: route parents, listeners, request outcomes')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Send the simulated requests to a running Gateway and compare its answers')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Explain a rule by code (`GW1001`) or name, or list every rule')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gwctl;help;check' {
            break
        }
        'gwctl;help;simulate' {
            break
        }
        'gwctl;help;diff' {
            break
        }
        'gwctl;help;probe' {
            break
        }
        'gwctl;help;explain' {
            break
        }
        'gwctl;help;completions' {
            break
        }
        'gwctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
