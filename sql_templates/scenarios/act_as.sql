select set_config('role', %(role)s, true), set_config('request.jwt.claims', %(claims)s, true)
