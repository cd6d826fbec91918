"""CI service: read the pipeline definition committed in a repository."""
import yaml

REQUIRED_KEYS = {"name", "steps"}


def load_pipeline_definition(definition_text):
    """Parse a ``.ci.yml`` pipeline definition into a plain dict.

    ``definition_text`` is the raw file content from the branch of whoever
    opened the pull request. The returned dict is handed to the scheduler,
    which queues one sandboxed job per entry in ``steps``.
    """
    spec = yaml.safe_load(definition_text)
    if not isinstance(spec, dict) or not REQUIRED_KEYS <= set(spec):
        raise ValueError("a pipeline needs 'name' and 'steps'")

    steps = spec["steps"]
    if not isinstance(steps, list) or not steps:
        raise ValueError("'steps' must be a non-empty list")
    env = spec.get("env") or {}
    if not isinstance(env, dict):
        raise ValueError("'env' must be a mapping")
    return {"name": str(spec["name"]), "steps": steps, "env": env}
