"""nbgrader configuration of the course. The repository root is the course root."""
import os

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "sequence-models"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.db_url = os.environ.get(
    "AUTOGRADE_DB_URL", "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db"))
# notebooks are executed by `nbgrader autograde` (benchmarks only) with these limits
c.ExecutePreprocessor.timeout = 120
c.ExecutePreprocessor.interrupt_on_timeout = True
# helper modules and data ship with the release; the graders never do
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__"]
