import type { ReactNode } from 'react';
import { Layout } from 'react-admin';
import { TollgateAppBar } from './TollgateAppBar';
import { TollgateMenu } from './TollgateMenu';

export const TollgateLayout = ({ children }: { children: ReactNode }) => (
  <Layout appBar={TollgateAppBar} menu={TollgateMenu}>
    {children}
  </Layout>
);
