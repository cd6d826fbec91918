"""Project lifecycle operations for the team workspace service."""
from dataclasses import dataclass, field


@dataclass
class User:
    id: int
    display_name: str


@dataclass
class Project:
    id: int
    name: str
    members: dict = field(default_factory=dict)  # user id -> "owner" | "maintainer" | "viewer"
    archived: bool = False


ROLES_ALLOWED_TO_ARCHIVE = frozenset({"owner", "maintainer"})


class ProjectService:
    def __init__(self, projects, audit_log):
        self._projects = {p.id: p for p in projects}
        self._audit_log = audit_log

    def get(self, project_id: int) -> Project:
        try:
            return self._projects[project_id]
        except KeyError:
            raise LookupError(f"no project {project_id}") from None

    def archive_project(self, actor: User, project_id: int) -> Project:
        """Archive a project so it becomes read-only and leaves all dashboards.

        actor is the authenticated user resolved from the session cookie;
        project_id is taken from the request path POST /projects/<id>/archive.
        Only the project's owners and maintainers may archive it. The Project
        object is modified in place and a line is appended to the audit log list.
        """
        project = self.get(project_id)
        if project.members.get(actor.id) not in ROLES_ALLOWED_TO_ARCHIVE:
            raise PermissionError("only owners and maintainers can archive a project")
        if project.archived:
            return project
        project.archived = True
        self._audit_log.append(f"project={project.id} archived by user={actor.id}")
        return project
