# Secure counterpart: privileges are lowered in a finally block, so they are dropped even when mkdir fails; the username is validated so the directory cannot be created outside /tmp/.
import os

class Manager:
    _current_privilege = 0

    def raise_privileges(self):
        self._current_privilege = 1

    def lower_privileges(self):
        self._current_privilege = 0

    def create_dir(self, username):
        '''
        Create a directory at the /tmp/ directory for the given username (/tmp/{username}).
        Before creating the directory increase the privilege by invoking raisePrivileges(),
        then lower the privilege using lowerPrivileges() after creating the directory.
        Handle the exception if the directory already exists.
        @param username: The username to create the directory for.
        @return: None
        '''
        if (not isinstance(username, str) or not username or username in ('.', '..')
                or '/' in username or '\0' in username or (os.altsep and os.altsep in username)):
            raise ValueError("Invalid username")
        self.raise_privileges()
        try:
            os.mkdir("/tmp/" + username)
        except OSError as e:
            print(e)
        finally:
            self.lower_privileges()
