# dh_installnss (dh-nss): "iana" goes just before "files" on the services
# line when the package is first installed (or installed again after a
# removal), and comes out, with an action such as [NOTFOUND=return] that
# follows it, when the package is removed.  Debian's default line
# "services: db files" becomes "services: db iana files".
services before=files iana
