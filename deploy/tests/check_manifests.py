#!/usr/bin/python3
"""Renders every kustomize overlay under deploy/overlays with `kubectl kustomize` and checks the objects
against each other and against the services' source: probes, ports, Service selectors and targetPorts,
security context, resources, the absl flag files in the ConfigMap, the Kafka topics and users' ACLs,
NetworkPolicies, the Prometheus Operator objects, and that the image can be overridden. Also runs
yamllint over deploy/. Exits non-zero, naming each problem, when anything is off, and when kubectl or
yamllint is missing (./tools/stack test installs both).

  deploy/tests/check_manifests.py [--deploy-dir deploy] [--repo-root .] [--kubectl kubectl]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

SERVICES = ("lead", "opportunity", "quote", "analytics")
BASE_IMAGE = "sfa-backend"
NONROOT_UID = 65532
# Labels Prometheus (Operator) puts on every scraped series, besides the ones a metric carries.
TARGET_LABELS = {"namespace", "job", "pod", "instance", "endpoint", "container"}
# SIGTERM: the gRPC drain and the outbox flush may each take --shutdown_grace_seconds; allow this much
# more for the projection runner, the store's close and process exit.
SHUTDOWN_MARGIN_S = 10


# ---------------------------------------------------------------------------------------------------------
# What the source says


class SourceFacts:
    """Flags, defaults, metric names and the like, read from the C++ sources so the manifests follow them."""

    def __init__(self, repo_root):
        self.shared_flags = _absl_flags(_read(repo_root, "libs/server/config.cc"))
        self.service_flags = {}  # svc -> {flag: (type, default)}
        self.defaults = {}  # svc -> {"grpc_port": int, "metrics_port": int, "kafka_topic": str}
        for svc in SERVICES:
            main = _read(repo_root, f"services/{svc}/main.cc")
            self.service_flags[svc] = _absl_flags(main)
            d = {}
            for key in ("grpc_port", "metrics_port"):
                m = re.search(rf"defaults\.{key}\s*=\s*(\d+)\s*;", main)
                d[key] = int(m.group(1)) if m else None
            m = re.search(r'defaults\.kafka_topic\s*=\s*"([^"]+)"', main)
            d["kafka_topic"] = m.group(1) if m else None
            self.defaults[svc] = d
        runner = _read(repo_root, "libs/messaging/projection_runner.cc")
        m = re.search(r'\{\s*"group\.id"\s*,\s*"([^"]+)"\s*\}', runner)
        if not m:
            raise SystemExit("check_manifests: no group.id in libs/messaging/projection_runner.cc")
        self.consumer_group = m.group(1)
        status = _read(repo_root, "libs/server/grpc_status.cc")
        m = re.search(r"kNames\[[^\]]*\]\s*=\s*\{(.*?)\}", status, re.S)
        if not m:
            raise SystemExit("check_manifests: no kNames table in libs/server/grpc_status.cc")
        self.grpc_codes = set(re.findall(r'"([A-Z_]+)"', m.group(1)))
        self.metrics = {}  # name -> set of labels
        for root in ("libs", "services"):
            for dirpath, _, files in os.walk(os.path.join(repo_root, root)):
                if os.sep + "testing" in dirpath:
                    continue
                for f in files:
                    if f.endswith(".cc") and not f.endswith(("_test.cc", "_benchmark.cc")):
                        self._scan_metrics(_read(dirpath, f))

    def _scan_metrics(self, text):
        pattern = r'Add(Counter|Gauge|Histogram)\(\s*"(sfa_\w+)"(.*?)\{([^{}]*)\}'
        for kind, name, _, labels in re.findall(pattern, text, re.S):
            names = [name] if kind != "Histogram" else [name + s for s in ("_bucket", "_sum", "_count")]
            for n in names:
                extra = {"le"} if n.endswith("_bucket") else set()
                self.metrics[n] = set(re.findall(r'"(\w+)"', labels)) | extra

    def flags_of(self, svc):
        flags = dict(self.shared_flags)
        flags.update(self.service_flags[svc])
        return flags


def _read(repo_root, path):
    full = os.path.join(repo_root, path)
    try:
        with open(full, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise SystemExit(f"check_manifests: cannot read {full}: {e}")


def _absl_flags(text):
    out = {}
    for ftype, name, default in re.findall(r'ABSL_FLAG\(\s*([\w:]+)\s*,\s*(\w+)\s*,\s*("(?:[^"\\]|\\.)*"|[^,]+?)\s*,',
                                           text):
        out[name] = (ftype, default.strip('"'))
    return out


# ---------------------------------------------------------------------------------------------------------
# Helpers over rendered objects


def _labels_match(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _quantity(q):
    """Kubernetes quantity -> float (CPU in cores, memory in bytes)."""
    q = str(q)
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
    for suffix, factor in sorted(units.items(), key=lambda kv: -len(kv[0])):
        if q.endswith(suffix):
            return float(q[: -len(suffix)]) * factor
    return float(q)


def _parse_flag_file(text):
    """absl flag file -> [(name, value)]; '#' lines and blank lines are skipped, as absl does."""
    out, bad = [], []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.fullmatch(r"--([\w-]+)=(.*)", line)
        if not m:
            bad.append(line)
            continue
        out.append((m.group(1), m.group(2)))
    return out, bad


class Render:
    """The objects of one rendered overlay, and the per-service facts the checks share."""

    def __init__(self, name, docs, kustomization):
        self.name = name
        self.docs = [d for d in docs if d]
        self.kustomization = kustomization or {}

    def of_kind(self, kind):
        return [d for d in self.docs if d.get("kind") == kind]

    def get(self, kind, name):
        for d in self.of_kind(kind):
            if d["metadata"]["name"] == name:
                return d
        return None


class Checker:
    def __init__(self, facts):
        self.facts = facts
        self.errors = []
        self.checks = 0

    def expect(self, cond, where, message):
        self.checks += 1
        if not cond:
            self.errors.append(f"{where}: {message}")
        return cond

    # -----------------------------------------------------------------------------------------------------

    def check_render(self, r):
        """Every check of one rendered overlay."""
        for svc in SERVICES:
            self.expect(r.get("StatefulSet", f"sfa-{svc}") is not None, r.name, f"no StatefulSet sfa-{svc}")
        self.check_namespaces(r)
        self.broker_ports = set()  # filled by check_brokers, read by check_egress
        topics = self.check_topics(r)
        flags = {}
        for sts in r.of_kind("StatefulSet"):
            svc = sts["metadata"]["name"].removeprefix("sfa-")
            if svc not in SERVICES:
                self.expect(False, r.name, f"StatefulSet {sts['metadata']['name']} is not one of the services")
                continue
            flags[svc] = self.check_statefulset(r, svc, sts, topics)
        self.check_services(r)
        self.check_targets(r, flags)
        self.check_disruption_budgets(r)
        self.check_network_policies(r, flags)
        self.check_kafka_users(r, flags, topics)
        self.check_monitoring(r)
        self.check_images(r)

    def check_namespaces(self, r):
        namespaces = {d["metadata"].get("namespace") for d in r.docs if d["kind"] != "Namespace"}
        self.expect(len(namespaces) == 1, r.name, f"objects spread over namespaces {sorted(map(str, namespaces))}")
        for ns in r.of_kind("Namespace"):
            self.expect(ns["metadata"]["name"] in namespaces, r.name,
                        f"Namespace {ns['metadata']['name']} is not the objects' namespace {namespaces}")

    def check_topics(self, r):
        """KafkaTopic name -> object; checks replication and retention."""
        topics = {}
        clusters = set()
        for t in r.of_kind("KafkaTopic"):
            name = t["spec"].get("topicName", t["metadata"]["name"])
            where = f"{r.name}: KafkaTopic {name}"
            topics[name] = t
            clusters.add(t["metadata"].get("labels", {}).get("strimzi.io/cluster"))
            spec, config = t["spec"], t["spec"].get("config", {})
            replicas, min_isr = spec.get("replicas"), config.get("min.insync.replicas")
            self.expect(isinstance(spec.get("partitions"), int) and spec["partitions"] >= 1, where, "no partitions")
            if self.expect(isinstance(replicas, int) and isinstance(min_isr, int), where,
                           "replicas and config min.insync.replicas must be set"):
                self.expect(1 <= min_isr <= replicas, where, f"min.insync.replicas {min_isr} > replicas {replicas}")
                self.expect(replicas == 1 or min_isr < replicas, where,
                            "min.insync.replicas == replicas: one broker down stops every write")
            # deploy/README.md "Retention": events are kept for good and never compacted.
            self.expect(config.get("cleanup.policy") == "delete", where, "cleanup.policy must be delete")
            self.expect(config.get("retention.ms") == -1, where, "retention.ms must be -1 (README: Retention)")
        self.expect(len(clusters) == 1 and None not in clusters, r.name,
                    f"KafkaTopics name clusters {clusters}; want one strimzi.io/cluster label")
        self.cluster = next(iter(clusters)) if clusters else None
        for k in r.of_kind("Kafka"):
            self.expect(k["metadata"]["name"] == self.cluster, r.name,
                        f"Kafka {k['metadata']['name']} is not the topics' cluster {self.cluster}")
        return topics

    # -----------------------------------------------------------------------------------------------------
    # StatefulSet, container, flags

    def check_statefulset(self, r, svc, sts, topics):
        where = f"{r.name}: StatefulSet sfa-{svc}"
        spec = sts["spec"]
        pod = spec["template"]
        pod_labels = pod["metadata"].get("labels", {})
        podspec = pod["spec"]
        self.expect(spec.get("replicas") == 1, where, "replicas must be 1: the event store is single-writer")
        self.expect(_labels_match(spec["selector"].get("matchLabels", {}), pod_labels), where,
                    "selector does not match the pod template's labels")
        headless = r.get("Service", spec.get("serviceName", ""))
        self.expect(headless is not None and headless["spec"].get("clusterIP") == "None", where,
                    f"serviceName {spec.get('serviceName')} is not a headless Service")
        containers = podspec.get("containers", [])
        if not self.expect(len(containers) == 1, where, "want exactly one container"):
            return {}
        c = containers[0]
        cwhere = f"{where} container {c.get('name')}"
        self.expect(c.get("command") == [f"/usr/local/bin/sfa-{svc}"], cwhere,
                    f"command {c.get('command')} is not [/usr/local/bin/sfa-{svc}]")
        ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
        self.expect(set(ports) == {"grpc", "metrics"}, cwhere, f"ports {sorted(map(str, ports))}; want grpc, metrics")
        self.check_probes(cwhere, c, ports)
        self.check_resources(cwhere, c)
        self.check_security(where, cwhere, podspec, c)
        flags = self.check_flags(r, svc, cwhere, c, podspec, ports, topics, sts)
        grace = int(flags.get("shutdown_grace_seconds", self.facts.shared_flags["shutdown_grace_seconds"][1]))
        tgps = podspec.get("terminationGracePeriodSeconds", 30)
        self.expect(tgps >= 2 * grace + SHUTDOWN_MARGIN_S, where,
                    f"terminationGracePeriodSeconds {tgps} < 2 x --shutdown_grace_seconds {grace} + "
                    f"{SHUTDOWN_MARGIN_S}: the kubelet would SIGKILL during the drain")
        annotations = pod["metadata"].get("annotations", {})
        if "prometheus.io/port" in annotations:
            self.expect(annotations["prometheus.io/port"] == str(ports.get("metrics")), where,
                        f"prometheus.io/port {annotations['prometheus.io/port']} is not the metrics port")
        return flags

    def check_probes(self, where, c, ports):
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            p = c.get(probe)
            if not self.expect(p is not None, where, f"no {probe}"):
                continue
            if probe != "startupProbe" or "grpc" in p:
                # The services register grpc.health.v1 with "" SERVING: the probe kubelet speaks natively.
                port = p.get("grpc", {}).get("port")
                self.expect(port is not None, where, f"{probe} is not a grpc probe")
                self.expect(port == ports.get("grpc"), where,
                            f"{probe} grpc port {port} is not the container's grpc port {ports.get('grpc')}")
            else:
                port = (p.get("httpGet") or p.get("tcpSocket") or {}).get("port")
                self.expect(port in ports.values() or port in ports, where, f"{probe} port {port} not on the container")

    def check_resources(self, where, c):
        res = c.get("resources", {})
        for kind in ("requests", "limits"):
            for r in ("cpu", "memory"):
                self.expect(r in res.get(kind, {}), where, f"resources.{kind}.{r} not set")
        for r in ("cpu", "memory"):
            if r in res.get("requests", {}) and r in res.get("limits", {}):
                self.expect(_quantity(res["requests"][r]) <= _quantity(res["limits"][r]), where,
                            f"{r} request {res['requests'][r]} above its limit {res['limits'][r]}")

    def check_security(self, where, cwhere, podspec, c):
        psc = podspec.get("securityContext", {})
        csc = c.get("securityContext", {})
        self.expect(psc.get("runAsNonRoot") is True or csc.get("runAsNonRoot") is True, where, "runAsNonRoot not set")
        self.expect(csc.get("runAsUser", psc.get("runAsUser")) == NONROOT_UID, cwhere,
                    f"runAsUser is not {NONROOT_UID}")
        seccomp = csc.get("seccompProfile", psc.get("seccompProfile", {}))
        self.expect(seccomp.get("type") == "RuntimeDefault", cwhere, "seccompProfile is not RuntimeDefault")
        self.expect(csc.get("allowPrivilegeEscalation") is False, cwhere, "allowPrivilegeEscalation is not false")
        self.expect(csc.get("readOnlyRootFilesystem") is True, cwhere, "readOnlyRootFilesystem is not true")
        self.expect("ALL" in csc.get("capabilities", {}).get("drop", []), cwhere, "capabilities do not drop ALL")
        self.expect(not csc.get("capabilities", {}).get("add"), cwhere, "capabilities are added")
        self.expect(csc.get("privileged") is not True, cwhere, "privileged")
        self.expect(podspec.get("automountServiceAccountToken") is False, where,
                    "automountServiceAccountToken is not false (the services never call the Kubernetes API)")
        # Service links would inject <SERVICE>_PORT-style variables, and SFA_* variables set flags.
        self.expect(podspec.get("enableServiceLinks") is False, where, "enableServiceLinks is not false")
        for v in podspec.get("volumes", []):
            secrets = [v["secret"]] if "secret" in v else [
                s["secret"] for s in v.get("projected", {}).get("sources", []) if "secret" in s]
            for s in secrets:
                self.expect(s.get("optional") is True, where,
                            f"volume {v['name']}: Secret {s.get('secretName', s.get('name'))} is not optional "
                            "(nothing here creates it)")

    def check_flags(self, r, svc, where, c, podspec, ports, topics, sts):
        """Resolves the container's --flagfile list through the ConfigMap; returns {flag: value}."""
        args = c.get("args", [])
        flagfiles = [a.split("=", 1)[1] for a in args if a.startswith("--flagfile=")]
        self.expect(len(flagfiles) == 1 and len(args) == 1, where, f"args {args}; want one --flagfile=<files>")
        mounts = {m["mountPath"].rstrip("/"): m["name"] for m in c.get("volumeMounts", [])}
        volumes = {v["name"]: v for v in podspec.get("volumes", [])}
        claims = {t["metadata"]["name"]: t for t in sts["spec"].get("volumeClaimTemplates", [])}
        for mount_name in mounts.values():
            self.expect(mount_name in volumes or mount_name in claims, where, f"volumeMount {mount_name} has no volume")
        values = {}
        for path in (flagfiles[0].split(",") if flagfiles else []):
            text = self._configmap_file(r, where, path, mounts, volumes)
            if text is None:
                continue
            parsed, bad = _parse_flag_file(text)
            self.expect(not bad, where, f"{path}: lines absl does not read as --name=value: {bad}")
            known = self.facts.flags_of(svc)
            for name, value in parsed:
                # absl reads flag files as given: the dashes-to-underscores spelling fix applies to argv only.
                self.expect(name in known, where, f"{path}: --{name} is not a flag of sfa-{svc}"
                            + (" (absl reads flag files verbatim: spell it with _)" if "-" in name else ""))
                values[name] = value
        self.check_flag_values(r, svc, where, values, ports, topics, mounts, claims)
        return values

    def _configmap_file(self, r, where, path, mounts, volumes):
        directory, _, filename = path.rpartition("/")
        volume = volumes.get(mounts.get(directory, ""))
        if not self.expect(volume is not None and "configMap" in volume, where,
                           f"flag file {path} is not on a ConfigMap volume"):
            return None
        cm_name = volume["configMap"]["name"]
        items = volume["configMap"].get("items")
        key = filename if items is None else next((i["key"] for i in items if i["path"] == filename), None)
        cm = r.get("ConfigMap", cm_name)
        if not self.expect(cm is not None, where, f"ConfigMap {cm_name} is not in the render"):
            return None
        if not self.expect(key is not None and key in cm.get("data", {}), where,
                           f"ConfigMap {cm_name} has no key for {path}"):
            return None
        return cm["data"][key]

    def check_flag_values(self, r, svc, where, values, ports, topics, mounts, claims):
        own = self.facts.service_flags[svc]
        required = ["grpc_port", "metrics_port", "data_dir", "kafka_brokers", "kafka_topic"]
        # Every topic a service consumes and every peer it calls is named here, never left to a default
        # (the defaults point at 127.0.0.1).
        required += [f for f in own if f.endswith("_events_topic") or f.endswith("_target")]
        for f in required:
            self.expect(f in values, where, f"--{f} not set in its flag files")
        for f in ("grpc_port", "metrics_port"):
            if f in values:
                want = ports.get(f.removesuffix("_port"))
                self.expect(values[f] == str(want), where, f"--{f}={values[f]} but the container port is {want}")
        if "data_dir" in values:
            data_mounts = [p for p, n in mounts.items() if n in claims]
            self.expect(any(values["data_dir"].startswith(p + "/") for p in data_mounts), where,
                        f"--data_dir={values['data_dir']} is not below a volumeClaimTemplate mount {data_mounts}")
        if "log_level" in values:
            self.expect(values["log_level"] in ("debug", "info", "warn", "error"), where, "bad --log_level")
        if "shutdown_grace_seconds" in values:
            self.expect(values["shutdown_grace_seconds"].isdigit() and int(values["shutdown_grace_seconds"]) <= 600,
                        where, "bad --shutdown_grace_seconds")
        if "sync_writes" in values:
            self.expect(values["sync_writes"] in ("true", "false"), where, "bad --sync_writes")
        for f in ["kafka_topic"] + [f for f in own if f.endswith("_events_topic")]:
            if f in values:
                self.expect(values[f] in topics, where, f"--{f}={values[f]} is not a KafkaTopic of the render")
        for f in [f for f in own if f.endswith("_events_topic")]:
            # Consumers and producers agree on the topic names the code uses.
            self.expect(values.get(f) == own[f][1], where, f"--{f}={values.get(f)}, the code's default is {own[f][1]}")
        if "kafka_topic" in values and self.facts.defaults[svc]["kafka_topic"]:
            self.expect(values["kafka_topic"] == self.facts.defaults[svc]["kafka_topic"], where,
                        f"--kafka_topic={values['kafka_topic']}, the code's default is "
                        f"{self.facts.defaults[svc]['kafka_topic']}")
        self.check_brokers(r, where, values.get("kafka_brokers", ""))

    def check_brokers(self, r, where, brokers):
        for entry in filter(None, brokers.split(",")):
            host, _, port = entry.rpartition(":")
            self.expect(host == f"{self.cluster}-kafka-bootstrap", where,
                        f"--kafka_brokers host {host} is not the Strimzi bootstrap {self.cluster}-kafka-bootstrap")
            for k in r.of_kind("Kafka"):
                listener_ports = {str(li.get("port")) for li in k["spec"]["kafka"].get("listeners", [])}
                self.expect(port in listener_ports, where,
                            f"--kafka_brokers port {port} is not a listener of Kafka {k['metadata']['name']}")
            if port.isdigit():
                self.broker_ports.add(int(port))

    # -----------------------------------------------------------------------------------------------------
    # Services, peers, budgets, network policies

    def _pods_selected(self, r, selector):
        return [s for s in r.of_kind("StatefulSet")
                if _labels_match(selector, s["spec"]["template"]["metadata"].get("labels", {}))]

    def _container_port(self, sts, port):
        """A Service targetPort or NetworkPolicy port (name or number) -> the container port number, or None."""
        c = sts["spec"]["template"]["spec"]["containers"][0]
        for p in c.get("ports", []):
            if port in (p.get("name"), p["containerPort"]):
                return p["containerPort"]
        return None

    def check_services(self, r):
        kinds = {}
        for svc in r.of_kind("Service"):
            name = svc["metadata"]["name"]
            where = f"{r.name}: Service {name}"
            selected = self._pods_selected(r, svc["spec"].get("selector", {}))
            if not self.expect(len(selected) == 1, where,
                               f"selector {svc['spec'].get('selector')} matches {len(selected)} StatefulSets' pods"):
                continue
            sts = selected[0]
            for p in svc["spec"].get("ports", []):
                target = p.get("targetPort", p["port"])
                self.expect(self._container_port(sts, target) is not None, where,
                            f"port {p.get('name')}: targetPort {target} is not a port of {sts['metadata']['name']}")
            kind = "headless" if svc["spec"].get("clusterIP") == "None" else "clusterip"
            kinds.setdefault(sts["metadata"]["name"], []).append(kind)
        for svc in SERVICES:
            self.expect(sorted(kinds.get(f"sfa-{svc}", [])) == ["clusterip", "headless"], r.name,
                        f"sfa-{svc} wants one headless and one ClusterIP Service, has {kinds.get(f'sfa-{svc}')}")

    def _service_port_target(self, r, host, port):
        """host:port of a ClusterIP Service -> (StatefulSet, container port) it reaches, or (None, None)."""
        svc = r.get("Service", host)
        if svc is None or svc["spec"].get("clusterIP") == "None":
            return None, None
        selected = self._pods_selected(r, svc["spec"].get("selector", {}))
        for p in svc["spec"].get("ports", []):
            if str(p["port"]) == port and selected:
                return selected[0], self._container_port(selected[0], p.get("targetPort", p["port"]))
        return None, None

    def check_targets(self, r, flags):
        for svc, values in flags.items():
            for f, value in values.items():
                if not f.endswith("_target"):
                    continue
                where = f"{r.name}: sfa-{svc} --{f}={value}"
                peer = f.removesuffix("_target")
                host, _, port = value.rpartition(":")
                sts, cport = self._service_port_target(r, host, port)
                if self.expect(sts is not None, where, f"{host}:{port} is not a port of a ClusterIP Service"):
                    self.expect(sts["metadata"]["name"] == f"sfa-{peer}", where,
                                f"reaches {sts['metadata']['name']}, not sfa-{peer}")
                    self.expect(str(cport) == flags.get(peer, {}).get("grpc_port"), where,
                                f"reaches container port {cport}, not sfa-{peer}'s --grpc_port")

    def check_disruption_budgets(self, r):
        for svc in SERVICES:
            sts = r.get("StatefulSet", f"sfa-{svc}")
            if sts is None:
                continue
            labels = sts["spec"]["template"]["metadata"].get("labels", {})
            pdbs = [p for p in r.of_kind("PodDisruptionBudget")
                    if _labels_match(p["spec"].get("selector", {}).get("matchLabels", {}), labels)]
            where = f"{r.name}: PodDisruptionBudget of sfa-{svc}"
            if not self.expect(len(pdbs) == 1, where, f"{len(pdbs)} budgets select the pod; want 1"):
                continue
            spec = pdbs[0]["spec"]
            replicas = sts["spec"].get("replicas", 1)
            # With one replica, maxUnavailable 0 or minAvailable 1 would block every node drain for good.
            if "maxUnavailable" in spec:
                self.expect(spec["maxUnavailable"] not in (0, "0%"), where, "maxUnavailable 0 blocks node drains")
            else:
                self.expect(spec.get("minAvailable", 0) < replicas, where,
                            f"minAvailable {spec.get('minAvailable')} with {replicas} replica(s) blocks node drains")

    def check_network_policies(self, r, flags):
        for svc in SERVICES:
            sts = r.get("StatefulSet", f"sfa-{svc}")
            if sts is None:
                continue
            labels = sts["spec"]["template"]["metadata"].get("labels", {})
            policies = [p for p in r.of_kind("NetworkPolicy")
                        if _labels_match(p["spec"].get("podSelector", {}).get("matchLabels", {}), labels)]
            where = f"{r.name}: NetworkPolicy of sfa-{svc}"
            if not self.expect(len(policies) == 1, where, f"{len(policies)} policies select the pod; want 1"):
                continue
            spec = policies[0]["spec"]
            self.expect(set(spec.get("policyTypes", [])) == {"Ingress", "Egress"}, where,
                        "policyTypes must be Ingress and Egress")
            ingress_ports = set()
            for rule in spec.get("ingress", []):
                self.expect(rule.get("ports"), where, "an ingress rule opens every port")
                for p in rule.get("ports", []):
                    cport = self._container_port(sts, p.get("port"))
                    self.expect(cport is not None, where, f"ingress port {p.get('port')} is not a container port")
                    if cport is not None:
                        ingress_ports.add(cport)
            container_ports = {p["containerPort"] for p in sts["spec"]["template"]["spec"]["containers"][0]["ports"]}
            self.expect(ingress_ports == container_ports, where,
                        f"ingress opens {sorted(ingress_ports)}; want the gRPC and metrics ports "
                        f"{sorted(container_ports)}")
            self.check_egress(r, svc, where, spec.get("egress", []), flags.get(svc, {}))

    def check_egress(self, r, svc, where, egress, values):
        dns = kafka = False
        peers = set()
        for rule in egress:
            to = rule.get("to", [])
            ports = {(p.get("protocol", "TCP"), p.get("port")) for p in rule.get("ports", [])}
            if not self.expect(to and ports, where, "an egress rule allows any destination or any port"):
                continue
            if {p for _, p in ports} == {53}:
                dns = True
                continue
            pod_selectors = [peer.get("podSelector", {}).get("matchLabels", {}) for peer in to]
            if all(s.get("strimzi.io/cluster") for s in pod_selectors):
                kafka = True
                self.expect(all(s["strimzi.io/cluster"] == self.cluster for s in pod_selectors), where,
                            f"Kafka egress to cluster {pod_selectors}, not {self.cluster}")
                missing = self.broker_ports - {p for _, p in ports}
                self.expect(not missing, where, f"Kafka egress does not allow the --kafka_brokers port(s) {missing}")
                continue
            for sel in pod_selectors:
                for target in self._pods_selected(r, sel):
                    peer = target["metadata"]["name"].removeprefix("sfa-")
                    peers.add(peer)
                    grpc = self._container_port(target, "grpc")
                    self.expect({p for _, p in ports} == {grpc}, where,
                                f"egress to sfa-{peer} allows {sorted(p for _, p in ports)}, want its gRPC port {grpc}")
                self.expect(self._pods_selected(r, sel), where, f"egress rule to {sel} selects no sfa pod and no Kafka")
        self.expect(dns, where, "no egress to DNS (port 53)")
        self.expect(kafka, where, "no egress to the Kafka brokers")
        wanted = {f.removesuffix("_target") for f in values if f.endswith("_target")}
        self.expect(peers == wanted, where, f"egress to sfa services {sorted(peers)}; the flags call {sorted(wanted)}")

    # -----------------------------------------------------------------------------------------------------
    # Kafka users, monitoring, images

    def check_kafka_users(self, r, flags, topics):
        users = {u["metadata"]["name"]: u for u in r.of_kind("KafkaUser")}
        kafka = r.of_kind("Kafka")
        if not users:
            # Allowed only next to a cluster of our own that authorises nobody (dev).
            self.expect(kafka and all("authorization" not in k["spec"]["kafka"] for k in kafka), r.name,
                        "no KafkaUsers, and the Kafka cluster is external or has authorization")
            return
        for svc, values in flags.items():
            where = f"{r.name}: KafkaUser sfa-{svc}"
            user = users.get(f"sfa-{svc}")
            if not self.expect(user is not None, where, "missing"):
                continue
            self.expect(user["metadata"].get("labels", {}).get("strimzi.io/cluster") == self.cluster, where,
                        f"not labelled strimzi.io/cluster: {self.cluster}")
            got = set()
            for acl in user["spec"].get("authorization", {}).get("acls", []):
                res = acl["resource"]
                self.expect(res.get("patternType", "literal") == "literal" and res.get("name") != "*", where,
                            f"ACL on {res} is not on one literal name")
                if res["type"] == "topic":
                    self.expect(res["name"] in topics, where, f"ACL on topic {res['name']}, which is no KafkaTopic")
                for op in acl.get("operations", []):
                    got.add((res["type"], res.get("name"), op))
            want = {("topic", values.get("kafka_topic"), "Write"), ("topic", values.get("kafka_topic"), "Describe")}
            consumed = [v for f, v in values.items() if f.endswith("_events_topic")]
            for t in consumed:
                want |= {("topic", t, "Read"), ("topic", t, "Describe")}
            if consumed:
                want.add(("group", self.facts.consumer_group, "Read"))
            self.expect(got == want, where,
                        f"ACLs {sorted(got - want)} not needed, {sorted(want - got)} missing")
        for name in users:
            self.expect(name.removeprefix("sfa-") in flags, r.name, f"KafkaUser {name} belongs to no service")

    def check_monitoring(self, r):
        scraped = {}
        for sm in r.of_kind("ServiceMonitor"):
            where = f"{r.name}: ServiceMonitor {sm['metadata']['name']}"
            selector = sm["spec"].get("selector", {}).get("matchLabels", {})
            for svc in r.of_kind("Service"):
                if not _labels_match(selector, svc["metadata"].get("labels", {})):
                    continue
                sts = self._pods_selected(r, svc["spec"].get("selector", {}))
                for ep in sm["spec"].get("endpoints", []):
                    port = next((p for p in svc["spec"]["ports"] if p.get("name") == ep.get("port")), None)
                    if self.expect(port is not None, where, f"Service {svc['metadata']['name']} has no port "
                                                            f"{ep.get('port')}") and sts:
                        cport = self._container_port(sts[0], port.get("targetPort", port["port"]))
                        self.expect(cport == self._container_port(sts[0], "metrics"), where,
                                    f"scrapes {svc['metadata']['name']} port {ep.get('port')}, not the metrics port")
                for s in sts:
                    scraped.setdefault(s["metadata"]["name"], []).append(svc["metadata"]["name"])
        if r.of_kind("ServiceMonitor"):
            for svc in SERVICES:
                self.expect(len(scraped.get(f"sfa-{svc}", [])) == 1, r.name,
                            f"sfa-{svc}'s pod is scraped through {scraped.get(f'sfa-{svc}')}; want exactly one Service")
        for rule_obj in r.of_kind("PrometheusRule"):
            for group in rule_obj["spec"].get("groups", []):
                for rule in group.get("rules", []):
                    self.check_rule(r, f"{r.name}: alert {rule.get('alert')}", rule)

    def check_rule(self, r, where, rule):
        expr = str(rule.get("expr", ""))
        self.expect(rule.get("labels", {}).get("severity") in ("warning", "critical"), where, "no severity")
        self.expect("summary" in rule.get("annotations", {}), where, "no summary")
        for metric in set(re.findall(r"\b(sfa_\w+)", expr)):
            if not self.expect(metric in self.facts.metrics, where, f"{metric} is not a metric the services export"):
                continue
            allowed = self.facts.metrics[metric] | TARGET_LABELS
            for matchers in re.findall(rf"\b{metric}\{{([^}}]*)\}}", expr):
                for label, op, value in re.findall(r'(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"', matchers):
                    self.expect(label in allowed, where, f"{metric} has no label {label}")
                    if label == "code":
                        bad = set(value.split("|")) - self.facts.grpc_codes
                        self.expect(not bad, where, f"code values {sorted(bad)} are not gRPC code names")
            if metric.startswith("sfa_rpc_"):
                for by in re.findall(r"\bby\s*\(([^)]*)\)", expr):
                    labels = {x.strip() for x in by.split(",") if x.strip()}
                    self.expect(labels <= allowed, where, f"by ({by}) names labels {metric} lacks")
        for pattern in re.findall(r'persistentvolumeclaim=~"([^"]+)"', expr):
            for sts in r.of_kind("StatefulSet"):
                for t in sts["spec"].get("volumeClaimTemplates", []):
                    pvc = f"{t['metadata']['name']}-{sts['metadata']['name']}-0"
                    self.expect(re.fullmatch(pattern, pvc), where, f"PVC {pvc} does not match {pattern}")

    def check_images(self, r):
        images = {c["image"] for s in r.of_kind("StatefulSet") for c in s["spec"]["template"]["spec"]["containers"]}
        self.expect(len(images) == 1, r.name, f"the services run different images {sorted(images)}")
        entry = next((i for i in r.kustomization.get("images", []) if i.get("name") == BASE_IMAGE), None)
        want = BASE_IMAGE
        if entry:
            want = entry.get("newName", BASE_IMAGE) + (f":{entry['newTag']}" if "newTag" in entry else "")
        self.expect(images == {want}, r.name, f"image {sorted(images)}, the kustomization's images: entry says {want}")


# ---------------------------------------------------------------------------------------------------------
# Running the tools


KUBECTL_HINT = "the package kubectl (on a plain Debian 12 without it: kubernetes-client)"


def require(tool, hint):
    path = shutil.which(tool)
    if path is None:
        raise SystemExit(f"check_manifests: FAILED: {tool} not found: install {hint}; tools/stack lists it in PACKAGES")
    return path


def kustomize(kubectl, directory):
    proc = subprocess.run([kubectl, "kustomize", directory], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"kubectl kustomize {directory} failed:\n{proc.stderr.strip()}")
    return list(yaml.safe_load_all(proc.stdout))


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def overlays(deploy_dir):
    root = os.path.join(deploy_dir, "overlays")
    return sorted(os.path.join(root, d) for d in os.listdir(root)
                  if os.path.isfile(os.path.join(root, d, "kustomization.yaml")))


def check_image_override(kubectl, deploy_dir, checker):
    """An overlay of the base with its own images: entry moves every container to that image."""
    with tempfile.TemporaryDirectory() as tmp:
        # kustomize 2.0 (Debian's kubectl 1.20) takes relative bases only.
        base = os.path.relpath(os.path.join(deploy_dir, "base"), tmp)
        with open(os.path.join(tmp, "kustomization.yaml"), "w", encoding="utf-8") as f:
            f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                    f"bases:\n  - {base}\nimages:\n  - name: {BASE_IMAGE}\n"
                    "    newName: example.org/probe/sfa-backend\n    newTag: probe-1\n")
        docs = kustomize(kubectl, tmp)
    images = [c["image"] for d in docs if d and d["kind"] == "StatefulSet"
              for c in d["spec"]["template"]["spec"]["containers"]]
    checker.expect(len(images) == len(SERVICES) and set(images) == {"example.org/probe/sfa-backend:probe-1"},
                   "image override", f"an images: entry for {BASE_IMAGE} on the base gave {images}")


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deploy-dir", default=os.path.dirname(here))
    parser.add_argument("--repo-root", default=None, help="default: the deploy dir's parent")
    parser.add_argument("--kubectl", default="kubectl")
    parser.add_argument("--yamllint", default="yamllint")
    args = parser.parse_args(argv)
    deploy_dir = os.path.abspath(args.deploy_dir)
    repo_root = os.path.abspath(args.repo_root or os.path.dirname(deploy_dir))
    kubectl = require(args.kubectl, KUBECTL_HINT)
    yamllint = require(args.yamllint, "the package yamllint")

    checker = Checker(SourceFacts(repo_root))
    lint = subprocess.run([yamllint, "--strict", "-f", "parsable", "-c", os.path.join(deploy_dir, ".yamllint"),
                           deploy_dir], capture_output=True, text=True)
    checker.expect(lint.returncode == 0, "yamllint", "\n" + (lint.stdout + lint.stderr).strip())

    try:
        base = Render("base", kustomize(kubectl, os.path.join(deploy_dir, "base")), None)
        checker.check_images(base)
        for overlay in overlays(deploy_dir):
            name = os.path.relpath(overlay, deploy_dir)
            render = Render(name, kustomize(kubectl, overlay), load_yaml(os.path.join(overlay, "kustomization.yaml")))
            before = len(checker.errors)
            checker.check_render(render)
            print(f"check_manifests: {name}: {len(render.docs)} objects, "
                  f"{'ok' if len(checker.errors) == before else 'FAILED'}")
        check_image_override(kubectl, deploy_dir, checker)
    except RuntimeError as e:
        checker.expect(False, "render", str(e))

    for e in checker.errors:
        print(f"check_manifests: FAILED: {e}")
    print(f"check_manifests: {checker.checks - len(checker.errors)} checks passed, {len(checker.errors)} failed")
    return 1 if checker.errors else 0


if __name__ == "__main__":
    sys.exit(main())
