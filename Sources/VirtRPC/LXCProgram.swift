/// `lxc_domain_open_namespace_args` of the LXC program (`{ dom, flags }`), the argument of
/// `LXC_PROC_DOMAIN_OPEN_NAMESPACE`. The struct tables hold no LXC structs; its layout is
/// that of `remote_domain_get_state_args`.
public typealias LxcDomainOpenNamespaceArgs = RemoteDomainGetStateArgs
