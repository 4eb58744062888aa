{{/* The labels of a team's namespace. */}}
{{- define "acme.namespaceLabels" -}}
{{- if .team.shared }}
labels:
  {{ .root.Values.gateway.accessLabel }}: "true"
{{- end }}
{{- end }}
