#!/usr/bin/python3
"""Self-test of check_manifests.py: each case breaks one thing in the rendered prod or dev overlay, the way
an edit of the manifests could, and expects the checker to name it. Needs kubectl, like the checker."""

import copy
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_manifests as cm  # noqa: E402

DEPLOY_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(DEPLOY_DIR)


def setUpModule():
    global FACTS, RENDERS
    kubectl = cm.require(os.environ.get("KUBECTL", "kubectl"), cm.KUBECTL_HINT)
    FACTS = cm.SourceFacts(REPO_ROOT)
    RENDERS = {}
    for name in ("dev", "prod"):
        overlay = os.path.join(DEPLOY_DIR, "overlays", name)
        RENDERS[name] = (cm.kustomize(kubectl, overlay), cm.load_yaml(os.path.join(overlay, "kustomization.yaml")))


def obj(docs, kind, name):
    for d in docs:
        if d and d["kind"] == kind and d["metadata"]["name"] == name:
            return d
    raise KeyError(f"{kind} {name}")


def container(docs, svc):
    return obj(docs, "StatefulSet", f"sfa-{svc}")["spec"]["template"]["spec"]["containers"][0]


def flags_configmap(docs):
    return next(d for d in docs if d and d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("sfa-flags"))


class CheckManifestsTest(unittest.TestCase):
    def errors(self, mutate, overlay="prod"):
        docs, kustomization = RENDERS[overlay]
        docs = copy.deepcopy(docs)
        mutate(docs)
        checker = cm.Checker(FACTS)
        checker.check_render(cm.Render(overlay, docs, kustomization))
        return checker.errors

    def assertCaught(self, fragment, mutate, overlay="prod"):
        errors = self.errors(mutate, overlay)
        self.assertTrue(any(fragment in e for e in errors), f"no error containing {fragment!r}; got {errors}")

    def test_overlays_as_committed_pass(self):
        for overlay in RENDERS:
            self.assertEqual(self.errors(lambda docs: None, overlay), [], overlay)

    def test_probe_on_wrong_port(self):
        self.assertCaught("readinessProbe grpc port 50052",
                          lambda d: container(d, "lead")["readinessProbe"]["grpc"].update(port=50052))

    def test_probe_missing(self):
        self.assertCaught("no livenessProbe", lambda d: container(d, "quote").pop("livenessProbe"))

    def test_grpc_flag_differs_from_container_port(self):
        def mutate(docs):
            for p in container(docs, "quote")["ports"]:
                if p["name"] == "grpc":
                    p["containerPort"] = 50099
        self.assertCaught("--grpc_port=50053 but the container port is 50099", mutate)

    def test_service_target_port_missing(self):
        def mutate(docs):
            obj(docs, "Service", "sfa-lead")["spec"]["ports"][0]["targetPort"] = "grpcs"
        self.assertCaught("targetPort grpcs is not a port of sfa-lead", mutate)

    def test_service_selector_matches_nothing(self):
        self.assertCaught("matches 0 StatefulSets", lambda d: obj(d, "Service", "sfa-quote")["spec"]["selector"].update(
            {"app.kubernetes.io/name": "sfa-qoute"}))

    def test_resources_and_security(self):
        self.assertCaught("resources.limits.memory not set",
                          lambda d: container(d, "analytics")["resources"]["limits"].pop("memory"))
        self.assertCaught("readOnlyRootFilesystem is not true",
                          lambda d: container(d, "lead")["securityContext"].update(readOnlyRootFilesystem=False))
        self.assertCaught("runAsUser is not 65532",
                          lambda d: container(d, "lead")["securityContext"].update(runAsUser=0))

    def test_grace_period_shorter_than_drain(self):
        self.assertCaught("terminationGracePeriodSeconds 15", lambda d: obj(d, "StatefulSet", "sfa-opportunity")[
            "spec"]["template"]["spec"].update(terminationGracePeriodSeconds=15))

    def test_flag_naming_an_undeclared_topic(self):
        def mutate(docs):
            cmap = flags_configmap(docs)
            cmap["data"]["lead.flags"] = cmap["data"]["lead.flags"].replace(
                "--kafka_topic=sfa.lead.events.v1", "--kafka_topic=sfa.leads.events.v1")
        self.assertCaught("--kafka_topic=sfa.leads.events.v1 is not a KafkaTopic", mutate)

    def test_flag_the_binary_lacks(self):
        def mutate(docs):
            cmap = flags_configmap(docs)
            cmap["data"]["common.flags"] = cmap["data"]["common.flags"].replace("--kafka_brokers=", "--kafka-brokers=")
        self.assertCaught("--kafka-brokers is not a flag", mutate)

    def test_consumed_topic_without_kafka_topic(self):
        def mutate(docs):
            docs.remove(obj(docs, "KafkaTopic", "sfa.quote.events.v1"))
        self.assertCaught("--quote_events_topic=sfa.quote.events.v1 is not a KafkaTopic", mutate)
        self.assertCaught("ACL on topic sfa.quote.events.v1, which is no KafkaTopic", mutate)

    def test_topic_replication(self):
        self.assertCaught("one broker down stops every write", lambda d: obj(d, "KafkaTopic", "sfa.lead.events.v1")[
            "spec"]["config"].update({"min.insync.replicas": 3}))
        self.assertCaught("cleanup.policy must be delete", lambda d: obj(d, "KafkaTopic", "sfa.lead.events.v1")[
            "spec"]["config"].update({"cleanup.policy": "compact"}))

    def test_acl_too_broad_or_missing(self):
        def wildcard(docs):
            obj(docs, "KafkaUser", "sfa-quote")["spec"]["authorization"]["acls"].append(
                {"resource": {"type": "topic", "name": "*", "patternType": "literal"}, "operations": ["All"]})
        self.assertCaught("is not on one literal name", wildcard)

        def missing_read(docs):
            acls = obj(docs, "KafkaUser", "sfa-lead")["spec"]["authorization"]["acls"]
            acls[:] = [a for a in acls if a["resource"]["name"] != "sfa.opportunity.events.v1"]
        self.assertCaught("('topic', 'sfa.opportunity.events.v1', 'Read')", missing_read)

    def test_network_policy(self):
        def wrong_ingress(docs):
            obj(docs, "NetworkPolicy", "sfa-lead")["spec"]["ingress"][1]["ports"][0]["port"] = 9090
        self.assertCaught("ingress port 9090 is not a container port", wrong_ingress)

        def no_peer(docs):
            egress = obj(docs, "NetworkPolicy", "sfa-quote")["spec"]["egress"]
            egress[:] = [e for e in egress if "app.kubernetes.io/name" not in str(e)]
        self.assertCaught("the flags call ['opportunity']", no_peer)

        def allow_all(docs):
            obj(docs, "NetworkPolicy", "sfa-analytics")["spec"]["egress"].append({})
        self.assertCaught("allows any destination", allow_all)

    def test_peer_target_on_headless_service(self):
        def mutate(docs):
            cmap = flags_configmap(docs)
            cmap["data"]["quote.flags"] = cmap["data"]["quote.flags"].replace(
                "sfa-opportunity:50052", "sfa-opportunity-headless:50052")
        self.assertCaught("is not a port of a ClusterIP Service", mutate)

    def test_disruption_budget_blocking_drains(self):
        self.assertCaught("maxUnavailable 0 blocks node drains",
                          lambda d: obj(d, "PodDisruptionBudget", "sfa-lead")["spec"].update(maxUnavailable=0))

    def test_service_monitor_scraping_twice(self):
        self.assertCaught("want exactly one Service", lambda d: obj(d, "ServiceMonitor", "sfa")["spec"][
            "selector"]["matchLabels"].pop("sfa/scrape"))

    def test_alert_rules(self):
        def rule(docs, alert):
            for group in obj(docs, "PrometheusRule", "sfa")["spec"]["groups"]:
                for r in group["rules"]:
                    if r.get("alert") == alert:
                        return r
            raise KeyError(alert)
        self.assertCaught("sfa_outbox_pendng is not a metric", lambda d: rule(d, "SfaOutboxBacklogGrowing").update(
            expr="sfa_outbox_pendng > 100"))
        self.assertCaught("['INTERNAL_ERROR'] are not gRPC code names", lambda d: rule(d, "SfaRpcErrorRate").update(
            expr='sum by (service) (rate(sfa_rpc_requests_total{code=~"INTERNAL_ERROR|UNAVAILABLE"}[5m])) > 1'))
        self.assertCaught("by (grpc_method) names labels", lambda d: rule(d, "SfaRpcErrorRate").update(
            expr="sum by (grpc_method) (rate(sfa_rpc_requests_total[5m])) > 1"))

    def test_images(self):
        self.assertCaught("the services run different images",
                          lambda d: container(d, "lead").update(image="sfa-backend:other"))

    def test_dev_without_kafka_users_needs_its_own_open_cluster(self):
        self.assertCaught("no KafkaUsers", lambda d: obj(d, "Kafka", "sfa")["spec"]["kafka"].update(
            authorization={"type": "simple"}), overlay="dev")

    def test_flag_file_parser(self):
        parsed, bad = cm._parse_flag_file("# c\n\n--a=1\n--b=x=y\n-c=2\n")
        self.assertEqual(parsed, [("a", "1"), ("b", "x=y")])
        self.assertEqual(bad, ["-c=2"])

    def test_quantity(self):
        self.assertEqual(cm._quantity("250m"), 0.25)
        self.assertEqual(cm._quantity("2Gi"), 2 * 2**30)
        self.assertEqual(cm._quantity("1"), 1.0)


if __name__ == "__main__":
    unittest.main()
