# dh_installnss (dh-nss): "iana" goes just before "files" on the services
# and protocols lines when the package is first installed (or installed
# again after a removal), and comes out, with an action such as
# [NOTFOUND=return] that follows it, when the package is removed.  Debian's
# default lines "services: db files" and "protocols: db files" become
# "services: db iana files" and "protocols: db iana files".
services before=files iana
protocols before=files iana
