#!/usr/bin/env python3
"""Writes the Cedar benchmark scenarios shared by both engines (eksguard and cedar-wasm).

Each scenario is one JSON file: {"name", "policies": "<cedar text>", "requests": [{principal,
action, resource, context, entities}]}; entities travel with each request, as they do for an
authorization webhook that builds them from a SubjectAccessReview.

  k8s-demo.json       the AWS prototype's demo policy set (../shared/conformance/cedar-k8s/demo),
                      with SubjectAccessReview-shaped requests (users, groups, label selectors)
  policies-1000.json  1,000 generated policies of a document-sharing app: 20 actions, 4
                      resource types, per-user, per-group and attribute-based rules, forbids

Usage: scenarios.py OUT_DIR [--shared ../shared]
"""
import argparse
import json
import os
import random

import yaml


def demo_policies(shared):
    texts = []
    for name in ("authorization-policy.yaml", "admission-policy.yaml"):
        with open(os.path.join(shared, "conformance/cedar-k8s/demo", name)) as f:
            for doc in yaml.safe_load_all(f):
                if doc and doc.get("kind") == "Policy":
                    texts.append(doc["spec"]["content"])
    return "\n".join(texts)


def k8s_user(name, groups):
    uid = {"type": "k8s::User", "id": name}
    entities = [{"uid": uid, "attrs": {"name": name}, "parents": [{"type": "k8s::Group", "id": g} for g in groups]}]
    entities += [{"uid": {"type": "k8s::Group", "id": g}, "attrs": {"name": g}, "parents": []} for g in groups]
    return uid, entities


def k8s_request(user, groups, verb, resource, namespace=None, labels=None, api_group=""):
    principal, entities = k8s_user(user, groups)
    attrs = {"apiGroup": api_group, "resource": resource}
    if namespace:
        attrs["namespace"] = namespace
    if labels is not None:
        attrs["labelSelector"] = [{"key": k, "operator": "=", "values": [v]} for k, v in labels.items()]
    rid = {"type": "k8s::Resource", "id": f"/{api_group}/{resource}/{namespace or ''}"}
    entities.append({"uid": rid, "attrs": attrs, "parents": []})
    return {"principal": principal, "action": {"type": "k8s::Action", "id": verb}, "resource": rid,
            "context": {}, "entities": entities}


def k8s_demo(shared):
    auth = ["system:authenticated"]
    requests = [
        k8s_request("sample-user", ["requires-labels"] + auth, "list", "configmaps", "default", {"owner": "sample-user"}),
        k8s_request("sample-user", ["requires-labels"] + auth, "list", "configmaps", "default"),
        k8s_request("sample-user", ["requires-labels"] + auth, "watch", "configmaps", "default", {"owner": "other"}),
        k8s_request("test-user", auth, "get", "pods", "default"),
        k8s_request("test-user", auth, "list", "nodes"),
        k8s_request("test-user", auth, "list", "secrets", "default", {"owner": "test-user"}),
        k8s_request("viewer", ["viewers"] + auth, "get", "deployments", "prod", api_group="apps"),
        k8s_request("viewer", ["viewers"] + auth, "get", "secrets", "prod"),
        k8s_request("nobody", auth, "delete", "pods", "kube-system"),
    ]
    principal, entities = k8s_user("anonymous", ["system:unauthenticated"])
    url = {"type": "k8s::NonResourceURL", "id": "/healthz"}
    entities.append({"uid": url, "attrs": {"path": "/healthz"}, "parents": []})
    requests.append({"principal": principal, "action": {"type": "k8s::Action", "id": "get"}, "resource": url,
                     "context": {}, "entities": entities})
    return {"name": "k8s-demo", "policies": demo_policies(shared), "requests": requests}


ACTIONS = [f"action{n:02d}" for n in range(20)]
RESOURCE_TYPES = ["Document", "Folder", "Photo", "Album"]


def generated_policy(rng, n):
    effect = "forbid" if n % 10 == 9 else "permit"
    action = rng.choice(ACTIONS)
    rtype = rng.choice(RESOURCE_TYPES)
    shape = n % 4
    if shape == 0:
        principal = f'principal == User::"user{rng.randrange(200)}"'
    elif shape == 1:
        principal = f'principal in Group::"group{rng.randrange(20)}"'
    else:
        principal = "principal is User"
    condition = [
        "resource.owner == principal",
        f'resource.classification < {rng.randrange(1, 5)}',
        f'principal.department == "dept{rng.randrange(10)}" && context.mfa',
        f'resource.tags.contains("tag{rng.randrange(30)}")',
    ][n % 4]
    keyword = "unless" if effect == "forbid" and n % 20 == 19 else "when"
    return (f'@id("rule{n}")\n{effect} (\n  {principal},\n  action == Action::"{action}",\n'
            f'  resource is {rtype}\n) {keyword} {{ {condition} }};\n')


def policies_1000():
    rng = random.Random(1000)
    text = "".join(generated_policy(rng, n) for n in range(1000))
    requests = []
    for i in range(500):
        user = f"user{rng.randrange(200)}"
        groups = [f"group{rng.randrange(20)}" for _ in range(2)]
        uid = {"type": "User", "id": user}
        rtype = rng.choice(RESOURCE_TYPES)
        rid = {"type": rtype, "id": f"r{i}"}
        owner = user if rng.random() < 0.3 else f"user{rng.randrange(200)}"
        entities = [
            {"uid": uid, "attrs": {"department": f"dept{rng.randrange(10)}"},
             "parents": [{"type": "Group", "id": g} for g in groups]},
            {"uid": rid, "attrs": {"owner": {"__entity": {"type": "User", "id": owner}},
                                   "classification": rng.randrange(5),
                                   "tags": [f"tag{rng.randrange(30)}" for _ in range(3)]}, "parents": []},
        ] + [{"uid": {"type": "Group", "id": g}, "attrs": {}, "parents": []} for g in set(groups)]
        requests.append({"principal": uid, "action": {"type": "Action", "id": rng.choice(ACTIONS)},
                         "resource": rid, "context": {"mfa": rng.random() < 0.5}, "entities": entities})
    return {"name": "policies-1000", "policies": text, "requests": requests}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "../../../shared"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for scenario in (k8s_demo(args.shared), policies_1000()):
        path = os.path.join(args.out, scenario["name"] + ".json")
        with open(path, "w") as f:
            json.dump(scenario, f)
        print(path)


if __name__ == "__main__":
    main()
